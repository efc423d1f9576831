#include "attention_softmax.hpp"

#include <algorithm>
#include <cmath>

#include "autograd.hpp"
#include "error.hpp"

namespace llm::ch03 {

// Forward, per row: x_j = s_j / divisor for visible j (j <= p), y = softmax(x);
// y_j = 0 for hidden j. Masking with -inf before softmax gives the same.
// Backward: with g = dL/dy, dL/dx_j = y_j (g_j - sum_k g_k y_k), and
// dL/ds_j = dL/dx_j / divisor; hidden positions get 0.
Tensor attention_softmax(const Tensor& scores, float divisor, bool causal, int64_t q_offset) {
    if (scores.dim() < 2) throw ShapeError("attention_softmax: scores must be [..., Tq, Tk], got " + shape_str(scores.shape()));
    const int64_t Tq = scores.size(-2), Tk = scores.size(-1);
    const int64_t rows = scores.numel() / std::max<int64_t>(Tk, 1);
    if (causal && q_offset + Tq > Tk)
        throw ShapeError("attention_softmax: " + std::to_string(Tq) + " queries at offset " + std::to_string(q_offset) +
                         " need at least " + std::to_string(q_offset + Tq) + " keys, got " + std::to_string(Tk));
    Tensor y = Tensor::empty(scores.shape());
    const float* s = scores.data();
    float* py = y.data();
#pragma omp parallel for if (rows * Tk > 32768)
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t visible = causal ? q_offset + r % Tq + 1 : Tk;
        const float* sr = s + r * Tk;
        float* yr = py + r * Tk;
        float m = -INFINITY;
        for (int64_t j = 0; j < visible; ++j) m = std::max(m, sr[j] / divisor);
        float sum = 0;
        for (int64_t j = 0; j < visible; ++j) sum += yr[j] = std::exp(sr[j] / divisor - m);
        const float inv = 1.0f / sum;
        for (int64_t j = 0; j < visible; ++j) yr[j] *= inv;
        for (int64_t j = visible; j < Tk; ++j) yr[j] = 0.0f;
    }
    // keeps the output's buffer, not the output tensor (which would form a cycle through this node)
    return record(y, {scores}, "AttentionSoftmaxBackward",
                  [scores = Edge(scores), ys = y.impl()->storage, rows, Tq, Tk, divisor, causal, q_offset](const Tensor& g) {
        float* gs = grad_buffer(scores);
        const float *pg = g.data(), *py = ys->data();
#pragma omp parallel for if (rows * Tk > 32768)
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t visible = causal ? q_offset + r % Tq + 1 : Tk;
            const float *gr = pg + r * Tk, *yr = py + r * Tk;
            float dot = 0;
            for (int64_t j = 0; j < visible; ++j) dot += gr[j] * yr[j];
            float* out = gs + r * Tk;
            for (int64_t j = 0; j < visible; ++j) out[j] += yr[j] * (gr[j] - dot) / divisor;
        }
    });
}

}  // namespace llm::ch03
