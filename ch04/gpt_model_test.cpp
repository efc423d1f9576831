// Chapter 4's numbers, gradient checks of the fused layers, the book-exact
// untrained generation, the KV cache and the GPT fixtures in book layout.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "autograd.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "gpt_model_file.hpp"
#include "gpt_dataset.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "shortcut_demo.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch04;

namespace {
GPTConfig tiny_config() {
    GPTConfig c;
    c.vocab_size = 11;
    c.context_length = 6;
    c.emb_dim = 8;
    c.n_heads = 2;
    c.n_layers = 2;
    c.drop_rate = 0.0f;
    return c;
}
// The untrained GPT_CONFIG_124M model built after manual_seed(123), as in the book.
GPTModel& book_model() {
    static std::unique_ptr<GPTModel> m = [] {
        manual_seed(123);
        auto model = std::make_unique<GPTModel>(GPT_CONFIG_124M());
        model->eval();
        return model;
    }();
    return *m;
}
IntTensor prompt(const std::string& text) {
    const auto ids = ch02::gpt2_tokenizer().encode(text);
    return IntTensor({1, static_cast<int64_t>(ids.size())}, ids);
}
}  // namespace

TEST_CASE("gradcheck: FeedForward and a whole TransformerBlock, in both tiers") {
    Generator g(7);
    GPTConfig c = tiny_config();
    manual_seed(1);
    FeedForward ff(c);
    auto err = testing::gradcheck([&](const std::vector<Tensor>& x) { return ff.forward(x[0]); },
                                  {randn({2, 3, 8}, g)});
    CHECK_MESSAGE(err.empty(), err);
    c.qkv_bias = true;
    TransformerBlock block(c);
    for (const bool fused : {false, true}) {
        INFO((fused ? "fast tier" : "reference tier"));
        block.apply([fused](Module& m) {
            if (auto* a = dynamic_cast<ch03::MultiHeadAttention*>(&m)) a->fused = fused;
            if (auto* n = dynamic_cast<LayerNorm*>(&m)) n->fused = fused;
            if (auto* e = dynamic_cast<GELU*>(&m)) e->fused = fused;
        });
        err = testing::gradcheck([&](const std::vector<Tensor>& x) { return block.forward(x[0]); },
                                 {randn({2, 4, 8}, g)});
        CHECK_MESSAGE(err.empty(), err);
    }
}

TEST_CASE("4.2 LayerNorm gives each row mean 0 and variance 1") {
    Generator g(1);
    LayerNorm ln(5);
    const Tensor out = ln.forward(randn({2, 5}, g) * 3.0f + 1.0f);
    NoGradGuard ng;
    for (float m : mean(out, -1).to_vector()) CHECK(std::fabs(m) < 1e-6);
    for (float v : var(out, -1, false).to_vector()) CHECK(v == doctest::Approx(1.0).epsilon(1e-4));
}

TEST_CASE("4.4 shortcut connections: the book's mean gradients, with and without") {
    const std::vector<int64_t> sizes{3, 3, 3, 3, 3, 1};
    const Tensor x = Tensor::from({{1.0f, 0.0f, -1.0f}});
    manual_seed(123);
    ExampleDeepNeuralNetwork plain(sizes, false);
    const auto g0 = mean_weight_gradients(plain, x);
    const std::vector<double> without{0.00020173587836325169, 0.00012011159560643137,
                                      0.0007152039906941354, 0.0013988736318424344,
                                      0.005049645435065031};
    manual_seed(123);
    ExampleDeepNeuralNetwork residual(sizes, true);
    const auto g1 = mean_weight_gradients(residual, x);
    const std::vector<double> with{0.22169792652130127, 0.20694106817245483, 0.32896995544433594,
                                   0.2665732204914093, 1.3258540630340576};
    REQUIRE(g0.size() == 5);
    REQUIRE(g1.size() == 5);
    for (size_t i = 0; i < 5; ++i) {
        CHECK(g0[i].first == "layers." + std::to_string(i) + ".0.weight");
        CHECK(g0[i].second == doctest::Approx(without[i]).epsilon(1e-4));
        CHECK(g1[i].second == doctest::Approx(with[i]).epsilon(1e-4));
    }
}

TEST_CASE(
    "4.6 parameter counts: the formula equals the built model, and gives the book's figures") {
    for (bool bias : {false, true}) {
        GPTConfig c = tiny_config();
        c.qkv_bias = bias;
        GPTModel m(c);
        CHECK(m.num_parameters() == count_parameters(c));
        m.tie_weights();
        CHECK(m.weights_tied());
        CHECK(m.num_parameters() == count_parameters(c, true));
        CHECK(m.state_dict().size() ==
              m.named_parameters().size() + 1 +
                  static_cast<size_t>(c.n_layers));  // + head name, masks
    }
    const GPTConfig c = GPT_CONFIG_124M();
    CHECK(count_parameters(c) == 163009536);
    CHECK(count_parameters(c, true) == 124412160);
    GPTConfig real = c;
    real.qkv_bias = true;
    CHECK(count_parameters(real, true) == 124439808);
    CHECK(size_in_mb(count_parameters(c)) == doctest::Approx(621.83).epsilon(1e-5));
    CHECK(count_parameters(gpt2_config("medium")) == 406212608);
    CHECK(count_parameters(gpt2_config("large")) == 838220800);
    CHECK(count_parameters(gpt2_config("xl")) == 1637792000);
}

TEST_CASE(
    "4.6-4.7 the untrained GPT_CONFIG_124M model (seed 123): 163,009,536 parameters and the book's gibberish") {
    GPTModel& model = book_model();
    CHECK(model.num_parameters() == 163009536);
    auto& block = model.trf_blocks->at<TransformerBlock>(0);
    CHECK(block.ff->num_parameters() == 4722432);
    CHECK(block.att->num_parameters() == 2360064);
    const IntTensor out = generate_text_simple(model, prompt("Hello, I am"), 6, 1024);
    CHECK(out.data ==
          std::vector<int64_t>{15496, 11, 314, 716, 27018, 24086, 47843, 30961, 42348, 7267});
    CHECK(ch02::gpt2_tokenizer().decode(out.data) ==
          "Hello, I am Featureiman Byeswickattribute argue");
    const IntTensor longer = generate_text_cached(model, prompt("Hello, I am"), 10, 1024);
    CHECK(std::vector<int64_t>(longer.data.begin() + 10, longer.data.end()) ==
          std::vector<int64_t>{49706, 43231, 47062, 34657});
    CHECK(std::vector<int64_t>(longer.data.begin(), longer.data.begin() + 10) == out.data);
}

TEST_CASE(
    "the KV-cache path produces token for token the simple path's output, also past the context length") {
    GPTConfig c = tiny_config();
    c.vocab_size = 50;
    c.context_length = 8;
    manual_seed(3);
    GPTModel m(c);
    m.eval();
    const IntTensor idx({2, 3}, {1, 2, 3, 4, 5, 6});
    for (int64_t ctx : {8, 5}) {
        INFO("context_size " << ctx);
        const IntTensor simple =
            generate_text_simple(m, idx, 12, ctx);  // 3 + 12 > 8: cropping kicks in
        const IntTensor cached = generate_text_cached(m, idx, 12, ctx);
        CHECK(cached.data == simple.data);
    }
    CHECK_THROWS_AS(m.forward(IntTensor({1, 9}, std::vector<int64_t>(9, 1))), ValueError);
    CHECK_THROWS_AS(m.forward(IntTensor({1, 2}, {1, 50})), ValueError);
}

TEST_CASE("configurations that cannot work are rejected, naming the field") {
    GPTConfig c = tiny_config();
    c.n_heads = 3;
    CHECK_THROWS_WITH_AS(c.validate(), doctest::Contains("divisible by n_heads"), ValueError);
    c = tiny_config();
    c.emb_dim = 0;
    CHECK_THROWS_WITH_AS(c.validate(), doctest::Contains("emb_dim must be positive"), ValueError);
    CHECK_THROWS_AS(GPTConfig::from_json("{\"vocab_size\": \"many\"}"), FormatError);
    CHECK(GPTConfig::from_json(GPT_CONFIG_124M().to_json()).emb_dim == 768);
}

TEST_CASE("GPT fixtures in the book's layout: logits, loss and greedy generation match PyTorch") {
    int sets = 0;
    for (const auto& dir : testing::fixture_sets(
             testing::FixtureKind::GptModelBook)) {  // HuggingFace layout: chapter 5
        INFO("fixture set " << dir.string());
        // the book's layout with a config.json beside it, read as a reader's saved model is
        const auto loaded = load_gpt_model(dir / "weights.safetensors");
        GPTModel& model = *loaded;
        model.eval();
        const auto e = nlohmann::json::parse(read_file(dir / "expected.json"));
        const auto in = e["batch"]["input_ids"].get<std::vector<std::vector<int64_t>>>();
        const auto tg = e["batch"]["target_ids"].get<std::vector<std::vector<int64_t>>>();
        std::vector<int64_t> flat_in, flat_tg;
        for (auto& r : in) flat_in.insert(flat_in.end(), r.begin(), r.end());
        for (auto& r : tg) flat_tg.insert(flat_tg.end(), r.begin(), r.end());
        const int64_t B = static_cast<int64_t>(in.size()), T = static_cast<int64_t>(in[0].size());
        NoGradGuard ng;
        const Tensor logits = model.forward(IntTensor({B, T}, flat_in));
        CHECK(logits.shape() == e["logits"]["shape"].get<Shape>());
        double s = 0, s2 = 0;
        for (int64_t i = 0; i < logits.numel(); ++i) {
            s += logits.data()[i];
            s2 += static_cast<double>(logits.data()[i]) * logits.data()[i];
        }
        const double n = static_cast<double>(logits.numel()), mu = s / n;
        CHECK(mu == doctest::Approx(e["logits"]["mean"].get<double>()).epsilon(1e-4).scale(1));
        CHECK(std::sqrt((s2 - n * mu * mu) / (n - 1)) ==
              doctest::Approx(e["logits"]["std"].get<double>()).epsilon(1e-4));
        CHECK(argmax(logits, -1).data == [&] {
            std::vector<int64_t> v;
            for (auto& r : e["logits"]["argmax"])
                for (auto& x : r) v.push_back(x);
            return v;
        }());
        const auto expected_tensors = load_safetensors(dir / "expected.safetensors").tensors;
        const Tensor last = select(logits, 1, T - 1);
        auto r =
            testing::all_close(last, expected_tensors.at("last_logits").to_vector(), 1e-4, 1e-4);
        CHECK_MESSAGE(r.ok, r.message);
        const Tensor loss = cross_entropy(logits.flatten(0, 1), IntTensor({B * T}, flat_tg));
        CHECK(loss.item() == doctest::Approx(e["loss"].get<double>()).epsilon(1e-4));
        for (const char* key : {"greedy", "greedy_long"}) {
            const auto& gk = e[key];
            const auto out_ids = gk["output_ids"].get<std::vector<int64_t>>();
            const auto prompt_ids = gk["prompt_ids"].get<std::vector<int64_t>>();
            const int64_t new_tokens = static_cast<int64_t>(out_ids.size() - prompt_ids.size());
            const IntTensor p({1, static_cast<int64_t>(prompt_ids.size())}, prompt_ids);
            const int64_t ctx = gk["context_size"].get<int64_t>();
            CHECK(generate_text_simple(model, p, new_tokens, ctx).data == out_ids);
            CHECK(generate_text_cached(model, p, new_tokens, ctx).data == out_ids);
        }
        ++sets;
        MESSAGE("GPT fixture set (book layout): " << dir.string());
    }
    CHECK_MESSAGE(sets > 0, "no GPT fixture set in the book's layout under " << fixtures_dir());
}
