#include <doctest/doctest.h>

#include <cmath>

#include "ops.hpp"
#include "optim.hpp"

using namespace llm;

TEST_CASE("SGD: p -= lr * grad") {
    Tensor p = Tensor::from({1.0f, -2.0f});
    p.requires_grad_();
    SGD opt({p}, 0.5f);
    sum(p * p).backward();  // grad = 2p
    opt.step();
    CHECK(p.to_vector() == std::vector<float>{0.0f, 0.0f});
}

TEST_CASE("AdamW's first step moves each weight by lr * sign(grad) after decoupled decay") {
    // At t = 1, m/(1-b1) = g and sqrt(v/(1-b2)) = |g|, so the step is lr * g/(|g| + eps).
    Tensor p = Tensor::from({1.0f, -2.0f, 3.0f});
    p.requires_grad_();
    AdamW opt({p}, 0.1f, 0.5f);
    sum(p * Tensor::from({4.0f, -1.0f, 0.0f})).backward();
    opt.step();
    const float decay = 1.0f - 0.1f * 0.5f;
    CHECK(p.to_vector()[0] == doctest::Approx(1.0f * decay - 0.1f));
    CHECK(p.to_vector()[1] == doctest::Approx(-2.0f * decay + 0.1f));
    CHECK(p.to_vector()[2] == doctest::Approx(3.0f * decay));  // zero gradient: only decay
}

TEST_CASE("AdamW's second step follows the bias-corrected moments") {
    Tensor p = Tensor::from({0.0f});
    p.requires_grad_();
    AdamW opt({p}, 0.01f, 0.0f);
    const float g1 = 1.0f, g2 = 3.0f;
    sum(p * g1).backward();
    opt.step();
    opt.zero_grad();
    sum(p * g2).backward();
    opt.step();
    const double m = 0.9 * 0.1 * g1 + 0.1 * g2, v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
    const double step2 = 0.01 / (1 - 0.81) * m / (std::sqrt(v) / std::sqrt(1 - 0.998001) + 1e-8);
    CHECK(p.item() == doctest::Approx(-0.01 - step2).epsilon(1e-5));
}

TEST_CASE("clip_grad_norm_ rescales to the maximum norm and returns the norm before") {
    Tensor a = Tensor::from({3.0f}), b = Tensor::from({4.0f});
    a.requires_grad_();
    b.requires_grad_();
    sum(a * 3.0f + b * 4.0f).backward();  // grads 3 and 4: norm 5
    CHECK(clip_grad_norm_({a, b}, 1.0f) == doctest::Approx(5.0));
    CHECK(a.grad().item() == doctest::Approx(0.6).epsilon(1e-5));
    CHECK(b.grad().item() == doctest::Approx(0.8).epsilon(1e-5));
}
