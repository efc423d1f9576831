// Chapter 3's printed numbers, the attention fixtures (PyTorch running the
// book's modules) and gradient checks of the fused softmax.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "attention_softmax_fused.hpp"
#include "autograd.hpp"
#include "causal_attention.hpp"
#include "error.hpp"
#include "multihead_attention.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "scaled_dot_product_attention_fused.hpp"
#include "self_attention.hpp"
#include "simplified_attention.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch03;

namespace {
constexpr double kTol = 5e-5;  // the book prints 4 decimals
#define CHECK_CLOSE(t, ...)                                                       \
    do {                                                                          \
        auto c_ = testing::all_close(t, std::vector<float> __VA_ARGS__, kTol, 0); \
        CHECK_MESSAGE(c_.ok, c_.message);                                         \
    } while (0)
Tensor batch2() {
    return cat({book_inputs().unsqueeze(0), book_inputs().unsqueeze(0)}, 0);
}  // [2, 6, 3]
Tensor row(const Tensor& t, int64_t r) { return select(t.view({-1, t.size(-1)}), 0, r); }
}  // namespace

TEST_CASE("3.3.1 attention for query x(2): scores, normalisations and the context vector") {
    NoGradGuard ng;
    const Tensor inputs = book_inputs();
    const Tensor scores = attention_scores_for(inputs, 1);
    CHECK_CLOSE(scores, {0.9544f, 1.4950f, 1.4754f, 0.8434f, 0.7070f, 1.0865f});
    const Tensor by_sum = scores / sum(scores);  // simple normalisation (sums to 1)
    CHECK(sum(by_sum).item() == doctest::Approx(1.0));
    CHECK_CLOSE(softmax_naive(scores), {0.1385f, 0.2379f, 0.2333f, 0.1240f, 0.1082f, 0.1581f});
    CHECK_CLOSE(softmax(scores, 0), {0.1385f, 0.2379f, 0.2333f, 0.1240f, 0.1082f, 0.1581f});
    CHECK_CLOSE(matmul(softmax(scores, 0), inputs), {0.4419f, 0.6515f, 0.5683f});
}

TEST_CASE("3.3.2 all context vectors at once") {
    NoGradGuard ng;
    const auto a = simplified_self_attention(book_inputs());
    CHECK_CLOSE(row(a.context, 0), {0.4421f, 0.5931f, 0.5790f});
    CHECK_CLOSE(row(a.context, 1), {0.4419f, 0.6515f, 0.5683f});
    CHECK_CLOSE(row(a.context, 5), {0.4177f, 0.6503f, 0.5645f});
}

TEST_CASE("3.4.1 trainable weights, step by step, after manual_seed(123)") {
    manual_seed(123);
    const Tensor W_query = rand({3, 2}), W_key = rand({3, 2}), W_value = rand({3, 2});
    NoGradGuard ng;
    const Tensor inputs = book_inputs();
    const Tensor x_2 = select(inputs, 0, 1);
    const Tensor query_2 = matmul(x_2, W_query);
    CHECK_CLOSE(query_2, {0.4306f, 1.4551f});
    const Tensor keys = matmul(inputs, W_key), values = matmul(inputs, W_value);
    const Tensor scores_2 = matmul(keys, query_2);  // [6]
    const Tensor weights_2 = softmax(scores_2 / std::sqrt(2.0f), 0);
    CHECK_CLOSE(matmul(weights_2, values), {0.3061f, 0.8210f});
}

TEST_CASE("3.4.2 SelfAttention_v1 (seed 123) and SelfAttention_v2 (seed 789)") {
    manual_seed(123);
    SelfAttention_v1 v1(3, 2);
    const Tensor out1 = v1.forward(book_inputs());
    CHECK_CLOSE(row(out1, 0), {0.2996f, 0.8053f});
    CHECK_CLOSE(row(out1, 5), {0.2990f, 0.8040f});
    manual_seed(789);
    SelfAttention_v2 v2(3, 2);
    CHECK_CLOSE(row(v2.forward(book_inputs()), 0), {-0.0739f, 0.0713f});
}

TEST_CASE("3.5.1 masking by renormalising equals masking with -inf before softmax") {
    manual_seed(789);
    SelfAttention_v2 sa(3, 2);
    NoGradGuard ng;
    const Tensor scores =
        matmul_nt(sa.W_query->forward(book_inputs()), sa.W_key->forward(book_inputs()));
    const Tensor a = causal_weights_by_renormalising(scores, std::sqrt(2.0f));
    const Tensor b = causal_weights_by_neg_inf(scores, std::sqrt(2.0f));
    const Tensor c = attention_softmax(scores, std::sqrt(2.0f), true);
    CHECK(testing::all_close(a, b.to_vector(), 1e-6, 1e-6).ok);
    CHECK(testing::all_close(c, b.to_vector(), 1e-6, 1e-6).ok);
    CHECK(c.at({0, 1}) == 0.0f);
}

TEST_CASE("3.5.2 dropout with p = 0.5 on a 6x6 matrix of ones keeps about half, scaled by 2") {
    manual_seed(123);
    const Tensor d = dropout(Tensor::ones({6, 6}), 0.5f, true);
    for (float v : d.to_vector()) CHECK((v == 0.0f || v == 2.0f));
    // the mask itself is checked against PyTorch in common's torch-rng fixtures (dropout_ones_6x6_p0.5)
}

TEST_CASE("3.5.3 CausalAttention on a batch of two: [2, 6, 2], first row [-0.4519, 0.2216]") {
    manual_seed(123);
    CausalAttention ca(3, 2, 6, 0.0f);
    const Tensor out = ca.forward(batch2());
    CHECK(out.shape() == Shape{2, 6, 2});
    CHECK_CLOSE(row(out, 0), {-0.4519f, 0.2216f});
}

TEST_CASE("3.6 the wrapper of two heads, and MultiHeadAttention with d_out = 2") {
    manual_seed(123);
    MultiHeadAttentionWrapper wrapper(3, 2, 6, 0.0f, 2);
    const Tensor out = wrapper.forward(batch2());
    CHECK(out.shape() == Shape{2, 6, 4});
    CHECK_CLOSE(row(out, 0), {-0.4519f, 0.2216f, 0.4772f, 0.1063f});
    manual_seed(123);
    MultiHeadAttention mha(3, 2, 6, 0.0f, 2);
    const Tensor out2 = mha.forward(batch2());
    CHECK(out2.shape() == Shape{2, 6, 2});
    CHECK_CLOSE(row(out2, 0), {0.3190f, 0.4858f});
    CHECK_THROWS_AS(MultiHeadAttention(3, 5, 6, 0.0f, 2), ValueError);
}

TEST_CASE("attention fixtures: outputs, weights and every gradient match PyTorch") {
    namespace fs = std::filesystem;
    int modules = 0;
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Attention)) {
        const auto config = nlohmann::json::parse(read_file(dir / "config.json"));
        const auto expected = nlohmann::json::parse(read_file(dir / "expected.json"));
        auto flat = [](const nlohmann::json& j) { return j["data"].get<std::vector<float>>(); };
        Tensor batch =
            Tensor::from(flat(expected["batch"]), expected["batch"]["shape"].get<Shape>());
        for (auto it = config.begin(); it != config.end(); ++it)
            for (const bool fused :
                 {true, false}) {  // MultiHeadAttention: in one op, and step by step
                const auto& c = *it;
                const auto& e = expected[it.key()];
                if (!fused && c["class"] != "MultiHeadAttention") continue;
                INFO("fixture " << dir.string() << " module " << it.key() << " ("
                                << c["class"].get<std::string>() << ")"
                                << (fused ? "" : ", step by step"));
                std::shared_ptr<Module> m;
                std::function<Tensor(const Tensor&)> fwd;
                std::function<Tensor()> weights;
                if (c["class"] == "CausalAttention") {
                    auto ca = std::make_shared<CausalAttention>(
                        c["d_in"], c["d_out"], c["context_length"], c["dropout"], c["qkv_bias"]);
                    m = ca;
                    fwd = [ca](const Tensor& x) { return ca->forward(x); };
                    weights = [ca] { return ca->last_attn_weights; };
                } else if (c["class"] == "MultiHeadAttention") {
                    auto mha = std::make_shared<MultiHeadAttention>(
                        c["d_in"], c["d_out"], c["context_length"], c["dropout"], c["num_heads"],
                        c["qkv_bias"]);
                    mha->fused = fused;
                    mha->keep_attn_weights = true;
                    m = mha;
                    fwd = [mha](const Tensor& x) { return mha->forward(x); };
                    weights = [mha] { return mha->last_attn_weights; };
                } else {
                    FAIL("unknown attention class " << c["class"]);
                }
                m->load_state_dict(
                    load_safetensors(dir / e["weights_file"].get<std::string>()).tensors);
                Tensor x = batch.clone().detach();
                x.requires_grad_();
                const Tensor out = fwd(x);
                auto check = [](const Tensor& got, const nlohmann::json& j) {
                    CHECK(got.shape() == j["shape"].get<Shape>());
                    const auto r =
                        testing::all_close(got, j["data"].get<std::vector<float>>(), 1e-5, 1e-4);
                    CHECK_MESSAGE(r.ok, r.message);
                };
                check(out, e["output"]);
                check(weights(), e["attn_weights"]);
                const Tensor loss = sum(out * out);
                CHECK(loss.item() == doctest::Approx(e["loss_sum_sq"].get<double>()).epsilon(1e-5));
                loss.backward();
                check(x.grad(), e["grad_inputs"]);
                for (auto& [name, p] : m->named_parameters()) {
                    INFO("gradient of " << name);
                    REQUIRE(e["grads"].contains(name));
                    check(p.grad(), e["grads"][name]);
                }
                ++modules;
                MESSAGE("attention fixture: " << dir.string() << " / " << it.key()
                                              << (fused ? "" : " (step by step)"));
            }
    }
    CHECK_MESSAGE(modules > 0, "no attention fixture set found under " << fixtures_dir());
    MESSAGE(modules << " attention modules checked against PyTorch");
}

TEST_CASE("gradcheck: the fused causal softmax and a whole MultiHeadAttention") {
    Generator g(3);
    const std::string e1 = testing::gradcheck(
        [](const std::vector<Tensor>& x) { return attention_softmax(x[0], 1.7f, true); },
        {rand({2, 4, 4}, g) * 3.0f});
    CHECK_MESSAGE(e1.empty(), e1);
    manual_seed(5);
    MultiHeadAttention mha(4, 4, 5, 0.0f, 2, true);
    for (const bool fused : {true, false}) {
        mha.fused = fused;
        const std::string e3 = testing::gradcheck(
            [&](const std::vector<Tensor>& x) { return mha.forward(x[0]); }, {rand({2, 5, 4}, g)});
        CHECK_MESSAGE(e3.empty(), (fused ? "fused: " : "step by step: ") << e3);
    }
}

TEST_CASE("gradcheck: scaled_dot_product_attention with dropout, on queries, keys and values") {
    // the same seed before every evaluation, so every finite difference sees the same dropout mask
    Generator g(4);
    const std::string e = testing::gradcheck(
        [](const std::vector<Tensor>& x) {
            manual_seed(9);
            return scaled_dot_product_attention(x[0], x[1], x[2], 3, 0.25f, /*training=*/true);
        },
        {rand({2, 5, 6}, g), rand({2, 5, 6}, g), rand({2, 5, 6}, g)});
    CHECK_MESSAGE(e.empty(), e);
}

TEST_CASE("gradcheck: scaled_dot_product_attention on one tensor as queries, keys and values") {
    // the three gradients are one buffer: each head's products must add to it, not overwrite it
    Generator g(6);
    for (const bool two : {false, true}) {
        const std::string e = testing::gradcheck(
            [two](const std::vector<Tensor>& x) {
                return two ? scaled_dot_product_attention(x[0], x[0], x[1], 3, 0.0f, false)
                           : scaled_dot_product_attention(x[0], x[0], x[0], 3, 0.0f, false);
            },
            {rand({2, 5, 6}, g), rand({2, 5, 6}, g)});
        CHECK_MESSAGE(e.empty(), (two ? "(x, x, v): " : "(x, x, x): ") << e);
    }
}

TEST_CASE("scaled_dot_product_attention rejects shapes that do not fit") {
    const Tensor x = Tensor::zeros({1, 4, 6});
    CHECK_THROWS_AS(scaled_dot_product_attention(x, x, x, 4, 0.0f, false),
                    ShapeError);  // 6 is not 4 heads
    CHECK_THROWS_AS(scaled_dot_product_attention(x, Tensor::zeros({1, 3, 6}), x, 2, 0.0f, false),
                    ShapeError);
    CHECK_THROWS_AS(scaled_dot_product_attention(x, x, x, 2, 1.5f, true), ValueError);
}

TEST_CASE("MultiHeadAttention with a KV cache gives the same outputs as the full forward") {
    manual_seed(11);
    MultiHeadAttention mha(8, 8, 10, 0.0f, 2, true);
    mha.eval();
    Generator g(1);
    const Tensor x = rand({2, 7, 8}, g);
    NoGradGuard ng;
    const Tensor full = mha.forward(x);
    KVCache cache;
    const Tensor first =
        mha.forward_cached(narrow(x, 1, 0, 4), cache);  // a prompt of 4, then one at a time
    std::vector<Tensor> parts{first};
    for (int64_t t = 4; t < 7; ++t) parts.push_back(mha.forward_cached(narrow(x, 1, t, 1), cache));
    const Tensor stepwise = cat(parts, 1);
    const auto r = testing::all_close(stepwise, full.to_vector(), 1e-5, 1e-5);
    CHECK_MESSAGE(r.ok, r.message);
    CHECK(cache.length == 7);
    // the cache as the book's bonus KV cache keeps it: keys.view(b, T, heads, head_dim)
    // .transpose(1, 2), [b, heads, positions, head_dim], the first 7 positions filled
    CHECK(cache.keys.shape() == Shape{2, 2, 10, 4});
    const Tensor book_keys = mha.W_key->forward(x).view({2, 7, 2, 4}).transpose(1, 2);
    const auto k =
        testing::all_close(narrow(cache.keys, 2, 0, 7), book_keys.to_vector(), 1e-6,
                           1e-6);  // (one row at a time: products summed in another order)
    CHECK_MESSAGE(k.ok, k.message);
    CHECK_THROWS_AS(mha.forward_cached(rand({2, 4, 8}, g), cache), ShapeError);  // 7 + 4 > 10
    const std::vector<float> row(4 * 8, 0.0f);  // 4 positions of [heads * head_dim]
    CHECK_THROWS_AS(cache.put(0, row.data(), row.data(), 4, 8), ShapeError);  // 7 + 4 > 10
    CHECK_THROWS_AS(cache.put(2, row.data(), row.data(), 1, 8), ShapeError);  // batch rows 0, 1
    KVCache empty;
    CHECK_THROWS_AS(empty.put(0, row.data(), row.data(), 1, 8), ShapeError);  // not allocated
}

TEST_CASE("the attention softmax's graph is freed when its output is dropped without backward()") {
    Tensor s = Tensor::ones({2, 3, 3});
    s.requires_grad_();
    std::weak_ptr<TensorImpl> w;
    { w = attention_softmax(s, 1.0f, true).impl_ptr(); }
    CHECK(w.expired());
}

TEST_CASE(
    "the reference tier reads the mask buffer: a reader who edits it sees the output change") {
    const Tensor batch = cat({book_inputs().unsqueeze(0), book_inputs().unsqueeze(0)}, 0);
    NoGradGuard ng;
    manual_seed(123);
    CausalAttention ca(3, 2, 6, 0.0f);
    const Tensor causal = ca.forward(batch);
    ca.mask = Tensor::zeros({6, 6});  // hide nothing: every token sees the whole sentence
    const Tensor unmasked = ca.forward(batch);
    CHECK(causal.to_vector() != unmasked.to_vector());
    // the last token saw everything already: its row is unchanged
    CHECK(select(select(causal, 0, 0), 0, 5).to_vector() ==
          select(select(unmasked, 0, 0), 0, 5).to_vector());
    manual_seed(123);
    MultiHeadAttention mha(3, 2, 6, 0.0f, 2);
    mha.fused = false;
    const Tensor before = mha.forward(batch);
    mha.mask = Tensor::zeros({6, 6});
    CHECK(mha.forward(batch).to_vector() != before.to_vector());
}
