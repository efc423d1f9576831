// Elementwise ops with broadcasting, each with its backward beside it.
// Unary math runs through xtensor expressions, vectorised by xsimd.
#define XTENSOR_USE_XSIMD
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include <cmath>
#include <omp.h>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"

namespace llm {

namespace {

auto flat(float* p, int64_t n) {
    return xt::adapt(p, static_cast<size_t>(n), xt::no_ownership(),
                     std::array<size_t, 1>{static_cast<size_t>(n)});
}
auto flat(const float* p, int64_t n) {
    return xt::adapt(p, static_cast<size_t>(n), xt::no_ownership(),
                     std::array<size_t, 1>{static_cast<size_t>(n)});
}

// Strides (in elements) of shape `in` read as broadcast to `out`: 0 where broadcast.
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
    std::vector<int64_t> s(out.size(), 0);
    int64_t stride = 1;
    for (size_t k = 0; k < in.size(); ++k) {
        const size_t i = in.size() - 1 - k, o = out.size() - 1 - k;
        s[o] = in[i] == 1 ? 0 : stride;
        stride *= in[i];
    }
    return s;
}

// Calls f(out_index, a_index, b_index) for every element of `out`.
template <typename F>
void for_each_broadcast(const Shape& out, const Shape& a, const Shape& b, F f) {
    const auto sa = broadcast_strides(a, out), sb = broadcast_strides(b, out);
    const int64_t n = numel_of(out);
    if (n == 0) return;
    const size_t nd = out.size();
    if (nd == 0) {
        f(0, 0, 0);
        return;
    }
    std::vector<int64_t> idx(nd, 0);
    const int64_t inner = out[nd - 1], ia_step = sa[nd - 1], ib_step = sb[nd - 1];
    int64_t ia = 0, ib = 0;
    for (int64_t o = 0; o < n; o += inner) {
        for (int64_t j = 0; j < inner; ++j) f(o + j, ia + j * ia_step, ib + j * ib_step);
        // advance the outer index (odometer), keeping ia/ib in step
        for (size_t d = nd - 1; d-- > 0;) {
            ia += sa[d];
            ib += sb[d];
            if (++idx[d] < out[d]) break;
            ia -= sa[d] * out[d];
            ib -= sb[d] * out[d];
            idx[d] = 0;
        }
    }
}

// f(start, length) over [0, n), in one chunk per thread when n is large.
template <typename F>
void for_chunks(int64_t n, F f) {
    if (n < 65536) {
        f(0, n);
        return;
    }
#pragma omp parallel
    {
        const int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
        const int64_t per = (n + threads - 1) / threads, s = std::min(n, t * per);
        f(s, std::min(n, s + per) - s);
    }
}

enum class Bin { Add, Sub, Mul, Div };

float apply(Bin op, float a, float b) {
    switch (op) {
        case Bin::Add: return a + b;
        case Bin::Sub: return a - b;
        case Bin::Mul: return a * b;
        case Bin::Div: return a / b;
    }
    return 0.0f;
}
// g * d(a op b)/da and g * d(a op b)/db (a or b may be 0 where its partial is not needed)
float partial_a(Bin op, float g, float, float b) {
    return op == Bin::Mul ? g * b : op == Bin::Div ? g / b : g;
}
float partial_b(Bin op, float g, float a, float b) {
    return op == Bin::Add ? g : op == Bin::Sub ? -g : op == Bin::Mul ? g * a : -g * a / (b * b);
}

Tensor binary(const Tensor& a, const Tensor& b, Bin op) {
    const Shape out_shape = broadcast_shapes(a.shape(), b.shape());
    Tensor out = Tensor::empty(out_shape);
    const float *pa = a.data(), *pb = b.data();
    float* po = out.data();
    const int64_t n = out.numel();
    if (a.shape() == b.shape()) {  // the common case: no broadcasting, split across threads
#pragma omp parallel for simd if (n > 65536)
        for (int64_t i = 0; i < n; ++i) po[i] = apply(op, pa[i], pb[i]);
    } else {
        for_each_broadcast(out_shape, a.shape(), b.shape(), [&](int64_t o, int64_t i, int64_t j) {
            po[o] = apply(op, pa[i], pb[j]);
        });
    }
    static const char* names[] = {"AddBackward0", "SubBackward0", "MulBackward0", "DivBackward0"};
    // backward reads a's values only for b's gradient of a product or quotient, b's for either gradient of those
    const bool keep_a = (op == Bin::Mul || op == Bin::Div) && b.requires_grad();
    const bool keep_b = (op == Bin::Mul && a.requires_grad()) || op == Bin::Div;
    return record(
        out, {a, b}, names[static_cast<int>(op)],
        [a = Edge(a), b = Edge(b), va = keep_a ? a : Tensor(), vb = keep_b ? b : Tensor(), op,
         out_shape](const Tensor& g) {
            // d(a op b)/da and /db, then summed back over broadcast dimensions
            const bool need_a = a.requires_grad(), need_b = b.requires_grad();
            const float* pa = va.defined() ? va.data() : nullptr;
            const float* pb = vb.defined() ? vb.data() : nullptr;
            const float* pg = g.data();
            if (a.shape() == b.shape()) {  // no broadcasting: write straight into the grads
                const int64_t n = g.numel();
                // a fresh gradient is written, not zeroed and added to (beta 0); when a and b
                // are one tensor (x + x), b's buffer is a's and b adds in the same iteration
                float beta_a = 1.0f, beta_b = 1.0f;
                float* ga = need_a ? grad_buffer(a, beta_a) : nullptr;
                float* gb = need_b ? grad_buffer(b, beta_b) : nullptr;
#pragma omp parallel for simd if (n > 65536)
                for (int64_t i = 0; i < n; ++i) {
                    const float x = pa ? pa[i] : 0.0f, y = pb ? pb[i] : 0.0f;
                    if (ga) ga[i] = (beta_a == 0.0f ? 0.0f : ga[i]) + partial_a(op, pg[i], x, y);
                    if (gb) gb[i] = (beta_b == 0.0f ? 0.0f : gb[i]) + partial_b(op, pg[i], x, y);
                }
                return;
            }
            Tensor ga = need_a ? Tensor::zeros(a.shape()) : Tensor();
            Tensor gb = need_b ? Tensor::zeros(b.shape()) : Tensor();
            float* pga = need_a ? ga.data() : nullptr;
            float* pgb = need_b ? gb.data() : nullptr;
            for_each_broadcast(out_shape, a.shape(), b.shape(),
                               [&](int64_t o, int64_t i, int64_t j) {
                                   const float x = pa ? pa[i] : 0.0f, y = pb ? pb[j] : 0.0f;
                                   if (pga) pga[i] += partial_a(op, pg[o], x, y);
                                   if (pgb) pgb[j] += partial_b(op, pg[o], x, y);
                               });
            if (need_a) accumulate_grad(a, std::move(ga));
            if (need_b) accumulate_grad(b, std::move(gb));
        });
}

// y = f(x) with dy/dx computed from x and y by dfdx(x, y).
template <typename Fwd, typename Deriv>
Tensor unary(const Tensor& a, const char* name, Fwd fwd, Deriv dfdx) {
    Tensor out = Tensor::empty(a.shape());
    const int64_t n = a.numel();
    for_chunks(n, [&](int64_t s, int64_t len) {
        xt::noalias(flat(out.data() + s, len)) = fwd(flat(a.data() + s, len));
    });
    // The backward keeps the output's buffer, not the output tensor: holding
    // the tensor would make a cycle (output -> node -> output) that leaks
    // every graph on which backward() is never called.
    return record(out, {a}, name, [a, y = out.storage_ptr(), dfdx, n](const Tensor& g) {
        Tensor ga = Tensor::empty(a.shape());
        for_chunks(n, [&](int64_t s, int64_t len) {
            xt::noalias(flat(ga.data() + s, len)) =
                flat(g.data() + s, len) * dfdx(flat(a.data() + s, len), flat(y->data() + s, len));
        });
        accumulate_grad(a, std::move(ga));
    });
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b) {
    const size_t nd = std::max(a.size(), b.size());
    Shape out(nd);
    for (size_t k = 0; k < nd; ++k) {
        const int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
        const int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
        if (da != db && da != 1 && db != 1)
            throw ShapeError("shapes " + shape_str(a) + " and " + shape_str(b) +
                             " cannot be broadcast together");
        out[nd - 1 - k] = da == 1 ? db : da;
    }
    return out;
}

Tensor add(const Tensor& a, const Tensor& b) { return binary(a, b, Bin::Add); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary(a, b, Bin::Sub); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(a, b, Bin::Mul); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(a, b, Bin::Div); }

Tensor add(const Tensor& a, float s) {
    return unary(
        a, "AddBackward1", [s](const auto& x) { return x + s; },
        [](const auto& x, const auto&) { return xt::ones_like(x); });
}
Tensor mul(const Tensor& a, float s) {
    return unary(
        a, "MulBackward1", [s](const auto& x) { return x * s; },
        [s](const auto& x, const auto&) { return xt::ones_like(x) * s; });
}
Tensor neg(const Tensor& a) { return mul(a, -1.0f); }
Tensor exp(const Tensor& a) {
    return unary(
        a, "ExpBackward0", [](const auto& x) { return xt::exp(x); },
        [](const auto&, const auto& y) { return y; });
}
Tensor log(const Tensor& a) {
    return unary(
        a, "LogBackward0", [](const auto& x) { return xt::log(x); },
        [](const auto& x, const auto&) { return 1.0f / x; });
}
Tensor sqrt(const Tensor& a) {
    return unary(
        a, "SqrtBackward0", [](const auto& x) { return xt::sqrt(x); },
        [](const auto&, const auto& y) { return 0.5f / y; });
}
Tensor pow(const Tensor& a, float e) {
    return unary(
        a, "PowBackward0", [e](const auto& x) { return xt::pow(x, e); },
        [e](const auto& x, const auto&) { return e * xt::pow(x, e - 1.0f); });
}
Tensor tanh(const Tensor& a) {
    return unary(
        a, "TanhBackward0", [](const auto& x) { return xt::tanh(x); },
        [](const auto&, const auto& y) { return 1.0f - y * y; });
}
Tensor relu(const Tensor& a) {
    return unary(
        a, "ReluBackward0", [](const auto& x) { return xt::maximum(x, 0.0f); },
        [](const auto& x, const auto&) { return xt::cast<float>(x > 0.0f); });
}
Tensor sigmoid(const Tensor& a) {
    return unary(
        a, "SigmoidBackward0", [](const auto& x) { return 1.0f / (1.0f + xt::exp(-x)); },
        [](const auto&, const auto& y) { return y * (1.0f - y); });
}

}  // namespace llm
