#include "attention_softmax_fused.hpp"

#include <algorithm>
#include <cmath>

#include "autograd.hpp"
#include "error.hpp"
#include "vec_math.hpp"

namespace llm::ch03 {

void softmax_row(const float* s, float* y, int64_t visible, int64_t n, float divisor, float& m,
                 float& inv) {
    m = -INFINITY;
    for (int64_t j = 0; j < visible; ++j) m = std::max(m, s[j] / divisor);
    for (int64_t j = 0; j < visible; ++j) y[j] = s[j] / divisor - m;
    exp_of(y, y, visible);  // SLEEF, vectorised (vec_math.hpp)
    float sum = 0;
    for (int64_t j = 0; j < visible; ++j) sum += y[j];
    inv = 1.0f / sum;
    for (int64_t j = 0; j < visible; ++j) y[j] *= inv;
    for (int64_t j = visible; j < n; ++j) y[j] = 0.0f;
}

void recompute_softmax_row(const float* s, float* y, int64_t visible, int64_t n, float divisor,
                           float m, float inv) {
    for (int64_t j = 0; j < visible; ++j) y[j] = s[j] / divisor - m;  // the same roundings as above
    exp_of(y, y, visible);
    for (int64_t j = 0; j < visible; ++j) y[j] *= inv;
    for (int64_t j = visible; j < n; ++j) y[j] = 0.0f;
}

void softmax_row_backward(const float* g, const float* y, float* dx, int64_t visible,
                          float divisor) {
    float dot = 0;
    for (int64_t j = 0; j < visible; ++j) dot += g[j] * y[j];
    for (int64_t j = 0; j < visible; ++j) dx[j] += y[j] * (g[j] - dot) / divisor;
}

// Forward, per row: x_j = s_j / divisor for visible j (j <= p), y = softmax(x);
// y_j = 0 for hidden j. Masking with -inf before softmax gives the same.
// Backward: with g = dL/dy, dL/dx_j = y_j (g_j - sum_k g_k y_k), and
// dL/ds_j = dL/dx_j / divisor; hidden positions get 0.
Tensor attention_softmax(const Tensor& scores, float divisor, bool causal) {
    if (scores.dim() < 2)
        throw ShapeError("attention_softmax: scores must be [..., Tq, Tk], got " +
                         shape_str(scores.shape()));
    const int64_t Tq = scores.size(-2), Tk = scores.size(-1);
    const int64_t rows = scores.numel() / std::max<int64_t>(Tk, 1);
    if (causal && Tq > Tk)
        throw ShapeError("attention_softmax: " + std::to_string(Tq) + " queries need at least " +
                         std::to_string(Tq) + " keys, got " + std::to_string(Tk));
    Tensor y = Tensor::empty(scores.shape());
    const float* s = scores.data();
    float* py = y.data();
#pragma omp parallel for if (rows * Tk > 32768)
    for (int64_t r = 0; r < rows; ++r) {
        float m, inv;
        softmax_row(s + r * Tk, py + r * Tk, causal ? r % Tq + 1 : Tk, Tk, divisor, m, inv);
    }
    // keeps the output's buffer, not the output tensor (which would form a cycle through this node)
    return record(y, {scores}, "AttentionSoftmaxBackward",
                  [scores = Edge(scores), ys = y.storage_ptr(), rows, Tq, Tk, divisor,
                   causal](const Tensor& g) {
                      float* gs = grad_buffer(scores);
                      const float *pg = g.data(), *py = ys->data();
#pragma omp parallel for if (rows * Tk > 32768)
                      for (int64_t r = 0; r < rows; ++r) {
                          const int64_t visible = causal ? r % Tq + 1 : Tk;
                          softmax_row_backward(pg + r * Tk, py + r * Tk, gs + r * Tk, visible,
                                               divisor);
                      }
                  });
}

}  // namespace llm::ch03
