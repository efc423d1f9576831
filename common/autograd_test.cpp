#include <doctest/doctest.h>

#include <cmath>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "storage.hpp"

using namespace llm;

TEST_CASE("backward of a small expression matches the derivative worked by hand") {
    // f(x, y) = x^2 y + exp(y); df/dx = 2xy, df/dy = x^2 + exp(y)
    Tensor x = Tensor::from({3.0f}), y = Tensor::from({0.5f});
    x.requires_grad_();
    y.requires_grad_();
    sum(x * x * y + exp(y)).backward();
    CHECK(x.grad().item() == doctest::Approx(3.0));
    CHECK(y.grad().item() == doctest::Approx(9.0 + std::exp(0.5)));
}

TEST_CASE("gradients accumulate across backward calls until zero_grad, as in PyTorch") {
    Tensor w = Tensor::from({2.0f});
    w.requires_grad_();
    sum(w * 3.0f).backward();
    sum(w * 3.0f).backward();
    CHECK(w.grad().item() == doctest::Approx(6.0));
    w.zero_grad();
    CHECK(!w.grad().defined());
}

TEST_CASE("autograd::grad returns gradients without touching .grad") {
    Tensor w = Tensor::from({2.0f});
    w.requires_grad_();
    const auto g = grad(sum(w * w), {w});
    CHECK(g[0].item() == doctest::Approx(4.0));
    CHECK(!w.grad().defined());
}

TEST_CASE("no_grad records nothing; backward on a tensor without grad is an error") {
    Tensor w = Tensor::from({2.0f});
    w.requires_grad_();
    {
        NoGradGuard ng;
        const Tensor y = w * 2.0f;
        CHECK(!y.requires_grad());
        CHECK_THROWS_AS(y.backward(), ValueError);
    }
    CHECK((w * 2.0f).requires_grad());
    CHECK_THROWS_AS((w * Tensor::ones({3})).backward(), ValueError);  // not a scalar
}

TEST_CASE("a chapter's own op: record() with a hand-written backward") {
    // cube(x) = x^3 with backward 3x^2, registered the way chapters add fused ops
    auto cube = [](const Tensor& x) {
        Tensor out = Tensor::empty(x.shape());
        for (int64_t i = 0; i < x.numel(); ++i)
            out.data()[i] = x.data()[i] * x.data()[i] * x.data()[i];
        return record(out, {x}, "CubeBackward", [x](const Tensor& g) {
            Tensor gx = Tensor::empty(x.shape());
            for (int64_t i = 0; i < x.numel(); ++i)
                gx.data()[i] = 3 * x.data()[i] * x.data()[i] * g.data()[i];
            accumulate_grad(x, gx);
        });
    };
    Tensor x = Tensor::from({1.0f, -2.0f});
    x.requires_grad_();
    const Tensor y = cube(x);
    CHECK(y.grad_fn()->name == "CubeBackward");
    sum(y).backward();
    CHECK(x.grad().to_vector() == std::vector<float>{3, 12});
}

TEST_CASE("a graph on which backward() never runs is freed with its output (no reference cycles)") {
    Tensor x = Tensor::from({0.5f, -1.0f, 2.0f});
    x.requires_grad_();
    std::vector<std::weak_ptr<TensorImpl>> outputs;
    {
        const Tensor a = exp(x), b = tanh(x), c = sigmoid(x), d = softmax(x, 0),
                     e = log_softmax(x, 0), f = sqrt(exp(x));
        for (const Tensor* t : {&a, &b, &c, &d, &e, &f}) {
            CHECK(t->grad_fn() != nullptr);
            outputs.push_back(t->impl_ptr());
        }
    }
    for (const auto& w : outputs) CHECK(w.expired());
}

TEST_CASE(
    "an intermediate nobody holds gives its buffer back before backward; the gradient is still right") {
    // h = x + x is only passed through by its consumers (add and sum need no
    // values in backward), so the graph keeps h's place but not its data.
    const int64_t n = 100000;  // 400 KB: large enough to come from the block cache
    Tensor x = Tensor::full({n}, 0.5f);
    x.requires_grad_();
    const size_t before = storage_live_bytes();
    Tensor loss;
    {
        const Tensor h = x + x;
        CHECK(storage_live_bytes() == before + n * sizeof(float));
        loss = sum(h);
    }
    CHECK(storage_live_bytes() ==
          before);  // h's 400 KB are free while the graph still runs through it
    loss.backward();
    CHECK(x.grad().at({0}) == 2.0f);
    CHECK(x.grad().at({n - 1}) == 2.0f);
}

TEST_CASE("an intermediate a backward reads stays alive until backward has run") {
    // d(h*h)/dh = 2h: the product's backward keeps h, so dropping the handle frees nothing
    const int64_t n = 100000;
    Tensor x = Tensor::full({n}, 0.5f);
    x.requires_grad_();
    const size_t before = storage_live_bytes();
    Tensor loss;
    {
        const Tensor h = x + x;  // 1.0
        loss = sum(h * h);
    }
    CHECK(storage_live_bytes() == before + n * sizeof(float));
    loss.backward();
    CHECK(x.grad().at({0}) == 4.0f);  // d/dx (2x)^2 = 8x = 4
}

TEST_CASE("grad() leaves every .grad as it was, also of tensors it was not asked about (A.4)") {
    Tensor w = Tensor::from({2.0f}), b = Tensor::from({3.0f});
    w.requires_grad_();
    b.requires_grad_();
    const Tensor y = w * w + b;  // dy/dw = 2w = 4, dy/db = 1
    const auto gw = grad(sum(y), {w}, /*retain_graph=*/true);
    CHECK(gw[0].item() == 4.0f);
    CHECK(!b.grad().defined());  // torch.autograd.grad(loss, w) does not fill b.grad
    const auto gb = grad(sum(y), {b}, true);
    CHECK(gb[0].item() == 1.0f);
    CHECK(!w.grad().defined());
    sum(y).backward();  // then backward() gives the gradients once, not twice
    CHECK(w.grad().item() == 4.0f);
    CHECK(b.grad().item() == 1.0f);
}

TEST_CASE("a view hands its gradient buffer on: backward through view() allocates no second one") {
    const int64_t n = 100000;  // large enough to come from the block cache
    Tensor x = Tensor::full({n}, 0.5f);
    x.requires_grad_();
    const Tensor y = x.view({100, 1000});
    const Tensor g = Tensor::full({100, 1000}, 2.0f);
    storage_reset_peak();
    const size_t before = storage_live_bytes();
    y.backward(g);
    // y's gradient (a copy of g) is the one buffer made; the view passes it
    // to x as x's gradient instead of allocating and adding into another
    CHECK(storage_peak_bytes() - before == n * sizeof(float));
    CHECK(storage_live_bytes() - before == n * sizeof(float));
    CHECK(x.grad().at({n - 1}) == 2.0f);
}

TEST_CASE("a graph kept for a second backward keeps cross-entropy's logits intact") {
    // retain_graph: the node runs again, so its last-run shortcut (the logits'
    // buffer becoming their gradient) must not happen the first time
    Tensor w = Tensor::from({{0.5f, -1.0f, 2.0f}, {1.0f, 0.0f, -0.5f}});
    w.requires_grad_();
    const Tensor logits = w * 1.0f;
    const Tensor loss = cross_entropy(logits, IntTensor({2}, {2, 0}));
    const auto first = grad(loss, {w}, /*retain_graph=*/true);
    const auto second = grad(loss, {w}, /*retain_graph=*/false);
    CHECK(first[0].to_vector() == second[0].to_vector());
}
