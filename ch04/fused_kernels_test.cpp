// The two tiers compute the same thing: every fast kernel against the book's
// listing it replaces, values and gradients, on random inputs and on the
// book's example; and finite differences for the kernels' own backward.
#include <doctest/doctest.h>

#include <cmath>

#include "attention_softmax_fused.hpp"
#include "autograd.hpp"
#include "error.hpp"
#include "gelu.hpp"
#include "gelu_fused.hpp"
#include "cached_decoder.hpp"
#include "generate.hpp"
#include "gpt_model.hpp"
#include "layer_norm.hpp"
#include "layer_norm_fused.hpp"
#include "multihead_attention.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "scaled_dot_product_attention_fused.hpp"
#include "simplified_attention.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch04;

namespace {

// Runs f on copies of the inputs that require grad, backpropagates
// sum(f(x) * w) for a fixed random w, and returns the output and the
// inputs' gradients.
struct Run {
    Tensor out;
    std::vector<Tensor> grads;
};
Run run(const std::function<Tensor(const std::vector<Tensor>&)>& f,
        const std::vector<Tensor>& inputs, const std::vector<Tensor>& params = {}) {
    std::vector<Tensor> xs;
    for (const Tensor& x : inputs) {
        Tensor c = x.clone().detach();
        c.requires_grad_();
        xs.push_back(c);
    }
    for (Tensor p : params) p.zero_grad();
    Run r;
    r.out = f(xs);
    Generator g(99);
    Tensor w;
    {
        NoGradGuard ng;
        w = randn(r.out.shape(), g);
    }
    sum(r.out * w).backward();
    for (const Tensor& x : xs) r.grads.push_back(x.grad().clone());
    for (const Tensor& p : params) r.grads.push_back(p.grad().clone());
    return r;
}

void check_same(const Run& fast, const Run& ref, double atol, double rtol) {
    INFO("output");
    auto c = testing::all_close(fast.out, ref.out.to_vector(), atol, rtol);
    CHECK_MESSAGE(c.ok, c.message);
    REQUIRE(fast.grads.size() == ref.grads.size());
    for (size_t i = 0; i < fast.grads.size(); ++i) {
        INFO("gradient " << i);
        c = testing::all_close(fast.grads[i], ref.grads[i].to_vector(), atol, rtol);
        CHECK_MESSAGE(c.ok, c.message);
    }
}

// A module in both tiers (its `fused` flag off and on) on the same input:
// outputs, the input's gradient and the parameters' gradients must agree.
void check_tiers(Module& m, bool& fused, const Tensor& x, double atol, double rtol) {
    std::vector<Tensor> params;
    for (auto& [name, p] : m.named_parameters()) params.push_back(p);
    auto in_tier = [&](bool on) {
        fused = on;
        return run([&](const std::vector<Tensor>& in) { return m.forward(in[0]); }, {x}, params);
    };
    check_same(in_tier(true), in_tier(false), atol, rtol);
}

}  // namespace

TEST_CASE(
    "fast tier = reference tier: layer_norm_fused and the book's LayerNorm, values and gradients") {
    Generator g(3);
    for (const Shape& shape : {Shape{2, 5}, Shape{3, 7, 64}, Shape{2, 4, 768}}) {
        INFO("shape " << shape_str(shape));
        LayerNorm ln(shape.back());
        ln.scale = randn({shape.back()}, g) + 1.0f;
        ln.shift = randn({shape.back()}, g);
        ln.scale.requires_grad_();
        ln.shift.requires_grad_();
        check_tiers(ln, ln.fused, randn(shape, g) * 3.0f + 0.5f, 2e-5, 2e-4);
    }
    // the book's example of 4.2: batch_example = torch.randn(2, 5) after manual_seed(123)
    manual_seed(123);
    const Tensor batch_example = randn({2, 5});
    LayerNorm ln(5);
    check_tiers(ln, ln.fused, batch_example, 1e-5, 1e-4);
}

TEST_CASE("fast tier = reference tier: gelu_fused and the book's GELU, values and gradients") {
    Generator g(4);
    GELU gelu;
    const Tensor x = randn({4, 1000}, g) * 3.0f;  // covers the vectorised body and the scalar tail
    const Tensor book_x = Tensor::arange(-3.0f, 3.0001f, 0.05f);  // the book's plot range
    for (const Tensor& in : {x, book_x}) check_tiers(gelu, gelu.fused, in, 1e-5, 1e-4);
}

TEST_CASE(
    "fast tier = reference tier: scaled_dot_product_attention and MultiHeadAttention's listing") {
    Generator g(5);
    // the book's 3.6.2 example (seed 123, d_out 2, 2 heads) and a wider random one
    struct Case {
        int64_t b, T, d_in, d_out, heads;
        bool qkv_bias;
    };
    for (const Case c : {Case{2, 6, 3, 2, 2, false}, Case{2, 9, 16, 16, 4, true}}) {
        INFO("b " << c.b << " T " << c.T << " d_out " << c.d_out << " heads " << c.heads);
        manual_seed(123);
        ch03::MultiHeadAttention mha(c.d_in, c.d_out, 12, 0.0f, c.heads, c.qkv_bias);
        const Tensor x = c.d_in == 3
            ? cat({ch03::book_inputs().unsqueeze(0), ch03::book_inputs().unsqueeze(0)}, 0)
            : randn({c.b, c.T, c.d_in}, g);
        check_tiers(mha, mha.fused, x, 1e-5, 1e-4);
    }
}

TEST_CASE(
    "fast tier = reference tier: the cached attention kernel and listing 3.5's lines, with a query offset") {
    // Tq new queries after L - Tq cached positions, in a cache of capacity 10: a prompt of 5
    // (2 heads), and one new token (generation's path, two loops instead of two products)
    // with 3 heads and with 5 of width 12, over a cache whose length is no multiple of 4
    struct Case {
        int64_t Tq, L, H, hd;
    };
    for (const Case c : {Case{5, 8, 2, 4}, Case{1, 7, 3, 4}, Case{1, 10, 5, 12}}) {
        INFO("Tq " << c.Tq << " L " << c.L << " heads " << c.H << " head_dim " << c.hd);
        Generator g(6);
        const int64_t b = 2, Tq = c.Tq, L = c.L, C = 10, H = c.H, hd = c.hd, D = H * hd;
        // the cache as the book's bonus KV cache keeps it: [b, H, capacity, hd]
        const Tensor queries = randn({b, Tq, D}, g), keys = randn({b, H, C, hd}, g),
                     values = randn({b, H, C, hd}, g);
        NoGradGuard ng;
        const Tensor fast = ch03::scaled_dot_product_attention_cached(queries, keys, values, L, H);
        // the book's lines: split heads, scores, masked_fill (query i at position L - Tq + i
        // hides keys after it), softmax(scores / sqrt(head_dim)), weights @ values
        const Tensor q = queries.view({b, Tq, H, hd}).transpose(1, 2),  // [b, H, Tq, hd]
            k = narrow(keys, 2, 0, L), v = narrow(values, 2, 0, L);  // [b, H, L, hd]
        Tensor mask = Tensor::zeros({Tq, L});
        for (int64_t i = 0; i < Tq; ++i)
            for (int64_t j = L - Tq + i + 1; j < L; ++j) mask.data()[i * L + j] = 1;
        const Tensor scores = masked_fill(matmul(q, k.transpose(2, 3)), mask, -INFINITY);
        const Tensor weights = softmax(scores / std::sqrt(static_cast<float>(hd)), -1);
        const Tensor ref = matmul(weights, v).transpose(1, 2).contiguous().view({b, Tq, D});
        const auto r = testing::all_close(fast, ref.to_vector(), 1e-6, 1e-5);
        CHECK_MESSAGE(r.ok, r.message);
        CHECK_THROWS_AS(ch03::scaled_dot_product_attention_cached(queries, keys, values, 11, H),
                        ShapeError);  // more filled rows than the cache holds
        const Tensor side_by_side = randn({b, C, D}, g);  // the heads side by side: not a cache
        CHECK_THROWS_AS(
            ch03::scaled_dot_product_attention_cached(queries, side_by_side, side_by_side, L, H),
            ShapeError);
    }
}

TEST_CASE(
    "fast tier = reference tier: cross_entropy and -mean(log_softmax picked at the targets)") {
    Generator g(8);
    const Tensor logits = randn({6, 50}, g) * 4.0f;
    const IntTensor targets({6}, {3, 0, 49, 7, 7, 21});
    auto fast =
        run([&](const std::vector<Tensor>& in) { return cross_entropy(in[0], targets); }, {logits});
    auto ref = run(
        [&](const std::vector<Tensor>& in) {
            Tensor one_hot = Tensor::zeros({6, 50});
            for (int64_t i = 0; i < 6; ++i)
                one_hot.data()[i * 50 + targets.data[static_cast<size_t>(i)]] = 1;
            return -(sum(log_softmax(in[0], -1) * one_hot) / 6.0f);
        },
        {logits});
    check_same(fast, ref, 1e-6, 1e-5);
}

TEST_CASE("gradcheck: the fast kernels' own backward against finite differences") {
    Generator g(7);
    auto err = testing::gradcheck(
        [](const std::vector<Tensor>& x) { return layer_norm_fused(x[0], x[1], x[2]); },
        {randn({3, 6}, g), randn({6}, g), randn({6}, g)});
    CHECK_MESSAGE(err.empty(), err);
    err = testing::gradcheck([](const std::vector<Tensor>& x) { return gelu_fused(x[0]); },
                             {randn({20}, g) * 2.0f});
    CHECK_MESSAGE(err.empty(), err);
}

TEST_CASE("a whole GPTModel: the same logits, loss gradients and greedy text in both tiers") {
    const GPTConfig c{.vocab_size = 50,
                      .context_length = 12,
                      .emb_dim = 16,
                      .n_heads = 4,
                      .n_layers = 2,
                      .drop_rate = 0.0f,
                      .qkv_bias = true};
    manual_seed(11);
    GPTModel model(c);
    model.eval();
    const IntTensor ids({2, 7}, {1, 5, 9, 2, 44, 3, 0, 7, 7, 8, 12, 30, 49, 1});
    const IntTensor targets({14}, {5, 9, 2, 44, 3, 0, 1, 7, 8, 12, 30, 49, 1, 2});
    auto once = [&](bool fused) {
        model.use_fused_kernels(fused);
        model.zero_grad();
        const Tensor logits = model.forward(ids);
        cross_entropy(logits.flatten(0, 1), targets).backward();
        Run r;
        r.out = logits.detach();
        for (auto& [name, p] : model.named_parameters()) r.grads.push_back(p.grad().clone());
        return r;
    };
    check_same(once(true), once(false), 2e-5, 2e-4);
    model.use_fused_kernels(false);
    const IntTensor ref_text =
        generate_text_simple(model, IntTensor({1, 3}, {1, 5, 9}), 8, c.context_length);
    model.use_fused_kernels(true);
    CHECK(generate_text_simple(model, IntTensor({1, 3}, {1, 5, 9}), 8, c.context_length).data ==
          ref_text.data);
    CHECK(generate_text_cached(model, IntTensor({1, 3}, {1, 5, 9}), 8, c.context_length).data ==
          ref_text.data);
}

TEST_CASE(
    "fast tier = reference tier: the CachedDecoder's logits are the full forward's, across window slides") {
    const GPTConfig c{.vocab_size = 40,
                      .context_length = 8,
                      .emb_dim = 16,
                      .n_heads = 2,
                      .n_layers = 2,
                      .drop_rate = 0.0f};
    manual_seed(12);
    GPTModel model(c);
    model.eval();
    NoGradGuard ng;
    for (const int64_t context_size : {int64_t{8}, int64_t{5}}) {
        INFO("context_size " << context_size);
        CachedDecoder decoder(model, context_size);
        IntTensor ids({2, 3}, {1, 2, 3, 4, 5, 6});
        for (int step = 0; step < 14; ++step) {  // past the window several times
            const Tensor cached = decoder.next_logits(ids);
            const IntTensor cond = crop_last(ids, context_size);
            const Tensor full = select(model.forward(cond), 1, cond.shape[1] - 1);  // [B, vocab]
            const auto r = testing::all_close(cached, full.to_vector(), 1e-5, 1e-4);
            CHECK_MESSAGE(r.ok, "step " << step << ": " << r.message);
            ids = append_column(
                ids, {static_cast<int64_t>(step * 7 % 40), static_cast<int64_t>(step * 3 % 40)});
        }
    }
}
