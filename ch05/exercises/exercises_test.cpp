// Expected values: the book (pizza at temperature 5: 0.0430; the 1000-draw
// counts at temperature 1), PyTorch via the gpt-tiny-hf fixture (loss on
// its batch, greedy continuation), and for 5.4 an uninterrupted training
// run, which continuing from a checkpoint must reproduce exactly.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "checkpoint.hpp"
#include "exercises.hpp"
#include "gpt2_weights.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "testing.hpp"
#include "train.hpp"

using namespace llm;
using namespace llm::ch05;
using namespace llm::ch05::exercises;
namespace fs = std::filesystem;

namespace {
const std::vector<float> kLogits{4.51f, 0.89f, -1.90f, 6.75f, 1.63f, -1.62f, -1.89f, 6.28f, 1.79f};
std::vector<fs::path> hf_fixtures() {
    return testing::fixture_sets(testing::FixtureKind::GptModelHf);
}
}  // namespace

TEST_CASE("Exercise 5.1: how likely is 'pizza' at temperature 5?") {
    CHECK(token_probability(kLogits, 6, 5.0f) == doctest::Approx(0.0430).epsilon(0.0012));
    CHECK(token_probability(kLogits, 6, 1.0f) < 0.001);
}

TEST_CASE("Exercise 5.2: temperature and top-k change what gets sampled") {
    CHECK(sample_counts(kLogits, 1.0f, std::nullopt, 1000, 123) ==
          std::vector<int64_t>{73, 0, 0, 582, 2, 0, 0, 343, 0});
    const auto topk = sample_counts(kLogits, 5.0f, 3, 1000, 123);
    int nonzero = 0;
    for (auto c : topk) nonzero += c > 0;
    CHECK(nonzero <= 3);
    CHECK(sample_counts(kLogits, 0.1f, std::nullopt, 1000, 123)[3] >
          975);  // p(forward) = 0.99 at temperature 0.1
}

TEST_CASE("Exercise 5.3: deterministic behaviour of generate") {
    const auto settings = deterministic_settings();
    REQUIRE(settings.size() >= 2);
    ch04::GPTConfig c;
    c.vocab_size = 60;
    c.context_length = 12;
    c.emb_dim = 8;
    c.n_heads = 2;
    c.n_layers = 1;
    c.drop_rate = 0.0f;
    manual_seed(7);
    ch04::GPTModel m(c);
    m.eval();
    for (auto opt : settings) {
        opt.max_new_tokens = 8;
        opt.context_size = 12;
        Generator g1(1), g2(2);
        CHECK(generate(m, IntTensor({1, 2}, {5, 9}), opt, g1).data ==
              generate(m, IntTensor({1, 2}, {5, 9}), opt, g2).data);
    }
}

TEST_CASE(
    "Exercise 5.4: continued pretraining from a checkpoint equals training straight through") {
    const std::string text = read_file(data_dir() / "the-verdict.txt");
    const std::string train_text = text.substr(0, 18431), val_text = text.substr(18431);
    ch04::GPTConfig c;
    c.context_length = 16;
    c.emb_dim = 16;
    c.n_heads = 2;
    c.n_layers = 1;
    c.drop_rate = 0.1f;
    const auto tl = ch02::create_dataloader_v1(train_text, 8, 16, 16, true, true);
    const auto vl = ch02::create_dataloader_v1(val_text, 8, 16, 16, false, false);
    TrainOptions o;
    o.sample_tokens =
        0;  // default evaluation schedule (every 5 steps, 5 batches), as continue_pretraining uses
    o.print = [](const std::string&) {};
    auto run = [&](int64_t epochs, ch04::GPTModel& m, AdamW& opt) {
        o.num_epochs = epochs;
        return train_model_simple(m, tl, vl, opt, ch02::gpt2_tokenizer(), o);
    };
    manual_seed(123);
    ch04::GPTModel straight(c);
    AdamW opt_s(straight.parameters(), 4e-4f, 0.1f);
    run(2, straight, opt_s);

    manual_seed(123);
    ch04::GPTModel first(c);
    AdamW opt_f(first.parameters(), 4e-4f, 0.1f);
    const auto r = run(1, first, opt_f);
    const auto dir = fs::temp_directory_path() / "llm_exercise_5_4";
    save_checkpoint(first, opt_f, r.final_state, dir);
    manual_seed(999);  // whatever happens in between
    auto continued = continue_pretraining(dir, c, tl, vl, 2);
    REQUIRE(continued);
    const auto a = straight.parameters(), b = continued->parameters();
    bool same = a.size() == b.size();
    for (size_t i = 0; same && i < a.size(); ++i) same = a[i].to_vector() == b[i].to_vector();
    CHECK(same);
    fs::remove_all(dir);
}

TEST_CASE("Exercise 5.5: the loss of pretrained weights (the HuggingFace-layout fixture)") {
    for (const fs::path& dir : hf_fixtures()) {
        INFO("fixture set " << dir.string());
        const auto e = nlohmann::json::parse(read_file(dir / "expected.json"));
        std::vector<int64_t> x, y;
        for (auto& r : e["batch"]["input_ids"])
            for (auto& v : r) x.push_back(v);
        for (auto& r : e["batch"]["target_ids"])
            for (auto& v : r) y.push_back(v);
        const int64_t B = static_cast<int64_t>(e["batch"]["input_ids"].size()),
                      T = static_cast<int64_t>(x.size()) / B;
        CHECK(pretrained_batch_loss(dir / "weights.safetensors", IntTensor({B, T}, x),
                                    IntTensor({B, T}, y)) ==
              doctest::Approx(e["loss"].get<double>()).epsilon(1e-4));
    }
}

TEST_CASE("Exercise 5.6: greedy text from pretrained weights (the HuggingFace-layout fixture)") {
    for (const fs::path& dir : hf_fixtures()) {
        INFO("fixture set " << dir.string());
        const auto e = nlohmann::json::parse(read_file(dir / "expected.json"));
        const auto& g = e["greedy"];
        CHECK(greedy_text(dir / "weights.safetensors", g["prompt"].get<std::string>(),
                          g["max_new_tokens"].get<int64_t>()) == g["text"].get<std::string>());
    }
}
