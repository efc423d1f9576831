// The fast tier's GELU: the tanh formula and its derivative in one pass
// each, tanh from SLEEF (vec_math.hpp), forward and backward beside each
// other. gelu_test in gpt_model_test.cpp proves it equal to the book's GELU
// (values and gradients).
#include "gelu_fused.hpp"

#include <algorithm>

#include "autograd.hpp"
#include "vec_math.hpp"

namespace llm::ch04 {

// With u = k (x + c x^3), k = sqrt(2/pi), c = 0.044715, t = tanh(u):
//   y  = 0.5 x (1 + t)
//   y' = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2)
namespace {
constexpr float k = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float c = 0.044715f;
constexpr int64_t kPiece = 1024;

// f(i0, t, len) for pieces t = tanh(u(x[i0 .. i0+len))), in parallel for large n.
template <typename F>
void for_tanh_pieces(const float* x, int64_t n, F f) {
#pragma omp parallel for if (n > 65536)
    for (int64_t i0 = 0; i0 < n; i0 += kPiece) {
        const int64_t len = std::min(kPiece, n - i0);
        float t[kPiece];
        for (int64_t i = 0; i < len; ++i) {
            const float v = x[i0 + i];
            t[i] = k * (v + c * v * v * v);
        }
        tanh_of(t, t, len);
        f(i0, t, len);
    }
}
}  // namespace

Tensor gelu_fused(const Tensor& x) {
    const int64_t n = x.numel();
    Tensor y = Tensor::empty(x.shape());
    const float* px = x.data();
    float* py = y.data();
    for_tanh_pieces(px, n, [&](int64_t i0, const float* t, int64_t len) {
        for (int64_t i = 0; i < len; ++i) py[i0 + i] = 0.5f * px[i0 + i] * (1.0f + t[i]);
    });
    return record(y, {x}, "GeluBackward", [x, n](const Tensor& g) {
        float beta = 1.0f;  // 0: gx is fresh, written rather than added to
        float* gx = grad_buffer(x, beta);
        const float *px = x.data(), *pg = g.data();
        for_tanh_pieces(px, n, [&](int64_t i0, const float* t, int64_t len) {
            for (int64_t i = 0; i < len; ++i) {
                const float v = px[i0 + i];
                gx[i0 + i] = (beta == 0.0f ? 0.0f : gx[i0 + i]) +
                    pg[i0 + i] *
                        (0.5f * (1.0f + t[i]) +
                         0.5f * v * (1.0f - t[i] * t[i]) * k * (1.0f + 3.0f * c * v * v));
            }
        });
    });
}

}  // namespace llm::ch04
