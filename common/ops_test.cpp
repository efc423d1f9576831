// Finite-difference gradient checks for every differentiable op in common/.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "autograd.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "storage.hpp"
#include "testing.hpp"

using namespace llm;
using V = std::vector<Tensor>;

namespace {
Tensor r(const Shape& s, uint64_t seed, float lo = -1, float hi = 1) {
    Generator g(seed);
    Tensor t = rand(s, g);
    for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = lo + (hi - lo) * t.data()[i];
    return t;
}
#define GRADCHECK(f, ...)                                              \
    do {                                                               \
        const std::string err = testing::gradcheck(f, V{__VA_ARGS__}); \
        CHECK_MESSAGE(err.empty(), err);                               \
    } while (0)
}  // namespace

TEST_CASE("gradcheck: elementwise ops with broadcasting") {
    GRADCHECK([](const V& x) { return x[0] + x[1]; }, r({2, 3}, 1), r({3}, 2));
    GRADCHECK([](const V& x) { return x[0] - x[1]; }, r({2, 3}, 1), r({2, 1}, 2));
    GRADCHECK([](const V& x) { return x[0] * x[1]; }, r({2, 3}, 1), r({1, 3}, 2));
    GRADCHECK([](const V& x) { return x[0] / x[1]; }, r({2, 3}, 1), r({3}, 2, 1, 2));
    GRADCHECK([](const V& x) { return x[0] * 3.0f + 1.0f; }, r({4}, 3));
    GRADCHECK([](const V& x) { return exp(x[0]); }, r({5}, 4));
    GRADCHECK([](const V& x) { return log(x[0]); }, r({5}, 5, 0.5f, 2));
    GRADCHECK([](const V& x) { return sqrt(x[0]); }, r({5}, 6, 0.5f, 2));
    GRADCHECK([](const V& x) { return pow(x[0], 3.0f); }, r({5}, 7));
    GRADCHECK([](const V& x) { return tanh(x[0]); }, r({5}, 8));
    GRADCHECK([](const V& x) { return sigmoid(x[0]); }, r({5}, 9));
    GRADCHECK([](const V& x) { return relu(x[0]); }, r({6}, 10, 0.1f, 1));
}

TEST_CASE("gradcheck: reductions") {
    GRADCHECK([](const V& x) { return sum(x[0]); }, r({2, 3}, 1));
    GRADCHECK([](const V& x) { return sum(x[0], 1, true); }, r({2, 3, 2}, 2));
    GRADCHECK([](const V& x) { return mean(x[0], 0); }, r({4, 3}, 3));
    GRADCHECK([](const V& x) { return var(x[0], -1, false); }, r({3, 5}, 4));
    GRADCHECK([](const V& x) { return max(x[0], 1); }, r({3, 5}, 5));
}

TEST_CASE("gradcheck: shape ops") {
    GRADCHECK(
        [](const V& x) {
            return x[0].view({3, 2}) * Tensor::arange(6).view({3, 2});
        },
        r({2, 3}, 1));
    GRADCHECK([](const V& x) { return x[0].transpose(0, 2); }, r({2, 3, 4}, 2));
    GRADCHECK([](const V& x) { return cat({x[0], x[1]}, 1); }, r({2, 3}, 3), r({2, 2}, 4));
    GRADCHECK([](const V& x) { return narrow(x[0], 1, 1, 2); }, r({3, 4}, 5));
    GRADCHECK([](const V& x) { return tril(x[0]); }, r({3, 3}, 6));
    GRADCHECK(
        [](const V& x) {
            return masked_fill(x[0], triu(Tensor::ones({3, 3}), 1), -5.0f);
        },
        r({2, 3, 3}, 7));
}

TEST_CASE("gradcheck: matmul, batched matmul and linear") {
    GRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, r({3, 4}, 1), r({4, 2}, 2));
    GRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, r({2, 3, 4}, 3), r({4, 5}, 4));
    GRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, r({2, 2, 3, 4}, 5),
              r({2, 2, 4, 3}, 6));
    GRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, r({4}, 7), r({4, 3}, 8));
    GRADCHECK([](const V& x) { return matmul_nt(x[0], x[1]); }, r({2, 3, 4}, 12), r({2, 5, 4}, 13));
    GRADCHECK([](const V& x) { return linear(x[0], x[1], x[2]); }, r({2, 3, 4}, 9), r({5, 4}, 10),
              r({5}, 11));
}

TEST_CASE("gradcheck: softmax, log_softmax, losses, embedding, dropout") {
    GRADCHECK([](const V& x) { return softmax(x[0], -1); }, r({3, 5}, 1, -2, 2));
    GRADCHECK([](const V& x) { return softmax(x[0], 0); }, r({4, 3}, 2, -2, 2));
    GRADCHECK([](const V& x) { return log_softmax(x[0], 1); }, r({3, 5}, 3, -2, 2));
    const IntTensor targets({4}, {1, 0, -100, 4});
    GRADCHECK([&](const V& x) { return cross_entropy(x[0], targets); }, r({4, 5}, 4, -2, 2));
    GRADCHECK(
        [](const V& x) {
            return binary_cross_entropy(x[0], Tensor::from({0, 1, 1}));
        },
        r({3}, 14, 0.2f, 0.8f));
    GRADCHECK([](const V& x) { return mse_loss(x[0], Tensor::from({0.5f, -1, 2})); }, r({3}, 6));
    const IntTensor ids({2, 2}, {2, 0, 2, 1});
    GRADCHECK([&](const V& x) { return embedding(x[0], ids); }, r({3, 4}, 7));
    GRADCHECK(
        [](const V& x) {
            Generator g(5);
            return dropout(x[0], 0.5f, true, g);
        },
        r({4, 4}, 8));
}

TEST_CASE("cross_entropy equals -log softmax at the target, averaged, ignoring -100") {
    const Tensor logits = Tensor::from({{2.0f, 1.0f, 0.1f}, {0.5f, 2.5f, 0.3f}});
    const double e0 = -std::log(std::exp(2.0) / (std::exp(2.0) + std::exp(1.0) + std::exp(0.1)));
    const double e1 = -std::log(std::exp(0.3) / (std::exp(0.5) + std::exp(2.5) + std::exp(0.3)));
    CHECK(cross_entropy(logits, IntTensor({2}, {0, 2})).item() ==
          doctest::Approx((e0 + e1) / 2).epsilon(1e-6));
    CHECK(cross_entropy(logits, IntTensor({2}, {0, -100})).item() ==
          doctest::Approx(e0).epsilon(1e-6));
    CHECK(std::isnan(cross_entropy(logits, IntTensor({2}, {-100, -100})).item()));
}

TEST_CASE(
    "cross_entropy backward: softmax minus one-hot over N, written into the logits' own buffer when nothing else holds them") {
    const int64_t N = 4, C = 70000;  // 1.1 MB of logits: pooled memory, so the counters see it
    Generator g(21);
    Tensor w = rand({N, C}, g) * 4.0f;
    w = w.detach();
    w.requires_grad_();
    const IntTensor targets({N}, {3, 69999, 0, 1234});
    // expected dL/dw by hand: (exp(x - max) / sum - [c == t]) / N
    std::vector<double> want(static_cast<size_t>(N * C));
    for (int64_t r = 0; r < N; ++r) {
        const float* x = w.data() + r * C;
        const double m = *std::max_element(x, x + C);
        double s = 0;
        for (int64_t c = 0; c < C; ++c) s += std::exp(x[c] - m);
        for (int64_t c = 0; c < C; ++c)
            want[static_cast<size_t>(r * C + c)] =
                (std::exp(x[c] - m) / s - (c == targets.data[static_cast<size_t>(r)])) / N;
    }
    auto check_grad = [&] {
        const Tensor gw = w.grad();
        double worst = 0;
        for (int64_t i = 0; i < N * C; ++i)
            worst = std::max(worst, std::fabs(gw.data()[i] - want[static_cast<size_t>(i)]));
        CHECK(worst < 1e-7);
    };
    const Tensor zero = Tensor::zeros({N, C});
    for (const bool caller_keeps_logits : {false, true}) {
        CAPTURE(caller_keeps_logits);
        w.zero_grad();
        grad_buffer(w);  // w's gradient exists (zeros) before, so backward needs no buffer for it
        Tensor kept, loss;
        {
            const Tensor logits =
                w + zero;  // a sum keeps no values: only cross-entropy holds the logits
            loss = cross_entropy(logits, targets);
            if (caller_keeps_logits) kept = logits;
        }
        const size_t before = storage_live_bytes();
        storage_reset_peak();
        loss.backward();
        // the logits' gradient needs a buffer of its own only when the caller still holds the logits
        CHECK(storage_peak_bytes() - before ==
              (caller_keeps_logits ? static_cast<size_t>(N * C) * sizeof(float) : 0));
        check_grad();
    }
}

TEST_CASE("transposing the last two axes: element (b, i, j) lands at (b, j, i), tiles and edges") {
    // 37 x 21 is not a multiple of the 16 x 16 tiles; 3 matrices side by side
    const Tensor x = rand({3, 37, 21});
    const Tensor y = x.transpose(-1, -2), z = x.transpose(1, 2);
    REQUIRE(y.shape() == Shape{3, 21, 37});
    int wrong = 0;
    for (int64_t b = 0; b < 3; ++b)
        for (int64_t i = 0; i < 37; ++i)
            for (int64_t j = 0; j < 21; ++j) {
                const float v = x.data()[(b * 37 + i) * 21 + j];
                wrong += y.data()[(b * 21 + j) * 37 + i] != v;
                wrong += z.data()[(b * 21 + j) * 37 + i] != v;
            }
    CHECK(wrong == 0);
    GRADCHECK([](const V& in) { return in[0].transpose(-1, -2); }, r({2, 17, 19}, 4));
}
