// Reductions along one dimension. A tensor of shape [..., n, ...] is seen
// as [outer, n, inner]; the result drops (or keeps as 1) the middle axis.
#include <cmath>
#include <limits>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"

namespace llm {

namespace {

// [outer, n, inner] around dim, and the result's shape without dim and with it kept as 1.
struct Axis : AxisSplit {
    Shape out_shape, keep_shape;
};

Axis reduce_axis(const Shape& s, int64_t dim) {
    const int64_t d = wrap_dim(dim, static_cast<int64_t>(s.size()));
    Axis ax{split_axis(s, dim), {}, {}};
    for (int64_t i = 0; i < static_cast<int64_t>(s.size()); ++i) {
        if (i != d) ax.out_shape.push_back(s[i]);
        ax.keep_shape.push_back(i == d ? 1 : s[i]);
    }
    return ax;
}

// g (reduced shape) spread back over the axis, every element times `scale`
// (1 for sum, 1/n for mean): the backward of a reduction.
Tensor spread(const Tensor& g, const Axis& ax, const Shape& full, float scale) {
    Tensor out = Tensor::empty(full);
    const float* pg = g.data();
    float* po = out.data();
    for (int64_t o = 0; o < ax.outer; ++o)
        for (int64_t k = 0; k < ax.n; ++k)
            for (int64_t i = 0; i < ax.inner; ++i)
                po[(o * ax.n + k) * ax.inner + i] = pg[o * ax.inner + i] * scale;
    return out;
}

}  // namespace

Tensor sum(const Tensor& a) {
    const float* p = a.data();
    float total;
    if (a.numel() < 16) {  // a few floats: added in float, in order, as PyTorch's reduction does
        total = 0;
        for (int64_t i = 0; i < a.numel(); ++i) total += p[i];
    } else {
        double s = 0;  // accumulate in double: sums of many floats drift otherwise
        for (int64_t i = 0; i < a.numel(); ++i) s += p[i];
        total = static_cast<float>(s);
    }
    Tensor out = Tensor::scalar(total);
    return record(out, {a}, "SumBackward0", [a = Edge(a)](const Tensor& g) {
        accumulate_grad(a, Tensor::full(a.shape(), g.item()));
    });
}

Tensor mean(const Tensor& a) {
    if (a.numel() == 0) return Tensor::scalar(NAN);
    return sum(a) * (1.0f / static_cast<float>(a.numel()));
}

Tensor sum(const Tensor& a, int64_t dim, bool keepdim) {
    const Axis ax = reduce_axis(a.shape(), dim);
    Tensor out = Tensor::zeros(keepdim ? ax.keep_shape : ax.out_shape);
    const float* p = a.data();
    float* po = out.data();
    for (int64_t o = 0; o < ax.outer; ++o)
        for (int64_t k = 0; k < ax.n; ++k)
            for (int64_t i = 0; i < ax.inner; ++i)
                po[o * ax.inner + i] += p[(o * ax.n + k) * ax.inner + i];
    return record(out, {a}, "SumBackward1", [a = Edge(a), ax](const Tensor& g) {
        accumulate_grad(a, spread(g, ax, a.shape(), 1.0f));
    });
}

namespace {
// A reduction composed of other ops, its node named as PyTorch names its own.
Tensor as_op(Tensor t, const char* pytorch_name) {
    if (t.grad_fn()) t.grad_fn()->name = pytorch_name;
    return t;
}
}  // namespace

Tensor mean(const Tensor& a, int64_t dim, bool keepdim) {
    const int64_t n = a.size(dim);
    return as_op(sum(a, dim, keepdim) * (1.0f / static_cast<float>(n)), "MeanBackward1");
}

Tensor var(const Tensor& a, int64_t dim, bool unbiased, bool keepdim) {
    // var = sum((x - mean)^2) / (n - correction), composed so autograd follows.
    const int64_t n = a.size(dim);
    const Tensor centered = a - mean(a, dim, true);
    const float denom = static_cast<float>(unbiased ? n - 1 : n);
    return as_op(sum(centered * centered, dim, keepdim) * (1.0f / denom), "VarBackward0");
}

Tensor max(const Tensor& a, int64_t dim, bool keepdim) {
    const Axis ax = reduce_axis(a.shape(), dim);
    if (ax.n == 0) throw ShapeError("max(): reduction over an empty dimension");
    Tensor out = Tensor::empty(keepdim ? ax.keep_shape : ax.out_shape);
    std::vector<int64_t> where(static_cast<size_t>(ax.outer * ax.inner));
    const float* p = a.data();
    for (int64_t o = 0; o < ax.outer; ++o)
        for (int64_t i = 0; i < ax.inner; ++i) {
            int64_t best = 0;
            for (int64_t k = 1; k < ax.n; ++k)
                if (p[(o * ax.n + k) * ax.inner + i] > p[(o * ax.n + best) * ax.inner + i])
                    best = k;
            out.data()[o * ax.inner + i] = p[(o * ax.n + best) * ax.inner + i];
            where[static_cast<size_t>(o * ax.inner + i)] = (o * ax.n + best) * ax.inner + i;
        }
    return record(out, {a}, "MaxBackward0", [a = Edge(a), where](const Tensor& g) {
        Tensor ga = Tensor::zeros(a.shape());
        for (size_t j = 0; j < where.size(); ++j) ga.data()[where[j]] += g.data()[j];
        accumulate_grad(a, std::move(ga));
    });
}

IntTensor argmax(const Tensor& a, int64_t dim, bool keepdim) {
    const Axis ax = reduce_axis(a.shape(), dim);
    if (ax.n == 0) throw ShapeError("argmax(): reduction over an empty dimension");
    IntTensor out(keepdim ? ax.keep_shape : ax.out_shape,
                  std::vector<int64_t>(static_cast<size_t>(ax.outer * ax.inner)));
    const float* p = a.data();
    for (int64_t o = 0; o < ax.outer; ++o)
        for (int64_t i = 0; i < ax.inner; ++i) {
            int64_t best = 0;  // first maximum wins, as in PyTorch
            for (int64_t k = 1; k < ax.n; ++k)
                if (p[(o * ax.n + k) * ax.inner + i] > p[(o * ax.n + best) * ax.inner + i])
                    best = k;
            out.data[static_cast<size_t>(o * ax.inner + i)] = best;
        }
    return out;
}

IntTensor argmax(const Tensor& a) { return argmax(a.view({a.numel()}), 0); }

}  // namespace llm
