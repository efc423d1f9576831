// The fast tier's GELU: the tanh formula and its derivative with xsimd
// vectors, forward and backward beside each other. gelu_test in
// gpt_model_test.cpp proves it equal to the book's GELU (values and gradients).
#include "gelu_fused.hpp"

#include <cmath>
#include <numbers>
#include <xsimd/xsimd.hpp>

#include "autograd.hpp"

namespace llm::ch04 {

// With u = k (x + c x^3), k = sqrt(2/pi), c = 0.044715, t = tanh(u):
//   y  = 0.5 x (1 + t)
//   y' = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2)
namespace {
constexpr float k = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float c = 0.044715f;
using batch = xsimd::batch<float>;

// Elements [begin, end) with xsimd vectors, the tail one at a time.
template <typename Vec, typename One>
void vectorised(int64_t n, Vec vec, One one) {
    constexpr int64_t W = static_cast<int64_t>(batch::size);
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n / W; ++i) vec(i * W);
    for (int64_t i = n / W * W; i < n; ++i) one(i);
}
}  // namespace

Tensor gelu_fused(const Tensor& x) {
    const int64_t n = x.numel();
    Tensor y = Tensor::empty(x.shape());
    const float* px = x.data();
    float* py = y.data();
    vectorised(
        n,
        [&](int64_t i) {
            const batch v = batch::load_unaligned(px + i);
            (0.5f * v * (1.0f + xsimd::tanh(k * (v + c * v * v * v)))).store_unaligned(py + i);
        },
        [&](int64_t i) {
            const float v = px[i];
            py[i] = 0.5f * v * (1.0f + std::tanh(k * (v + c * v * v * v)));
        });
    return record(y, {x}, "GeluBackward", [x, n](const Tensor& g) {
        float* gx = grad_buffer(x);
        const float *px = x.data(), *pg = g.data();
        vectorised(
            n,
            [&](int64_t i) {
                const batch v = batch::load_unaligned(px + i);
                const batch t = xsimd::tanh(k * (v + c * v * v * v));
                const batch d =
                    0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * k * (1.0f + 3.0f * c * v * v);
                (batch::load_unaligned(gx + i) + batch::load_unaligned(pg + i) * d)
                    .store_unaligned(gx + i);
            },
            [&](int64_t i) {
                const float v = px[i];
                const float t = std::tanh(k * (v + c * v * v * v));
                gx[i] += pg[i] *
                    (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * k * (1.0f + 3.0f * c * v * v));
            });
    });
}

}  // namespace llm::ch04
