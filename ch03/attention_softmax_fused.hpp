// The fused step at the heart of causal attention (sections 3.4-3.5):
//   weights = softmax(mask(scores) / divisor)  along the last dimension,
// where the causal mask hides key positions after the query's position.
// One pass forward, one pass backward, written out next to each other.
#pragma once
#include "tensor.hpp"

namespace llm::ch03 {

// scores: [..., Tq, Tk]. With causal, query row i sees keys 0 .. i; masked
// weights are exactly 0.
Tensor attention_softmax(const Tensor& scores, float divisor, bool causal);

// One row of it, shared with scaled_dot_product_attention: over n scores,
// y_j = exp(s_j / divisor - m) * inv for the first `visible`, 0 after.
// Returns m (the largest s_j / divisor) and inv (1 / the sum), from which
// recompute_softmax_row gives back the same y bit for bit.
void softmax_row(const float* s, float* y, int64_t visible, int64_t n, float divisor, float& m,
                 float& inv);
void recompute_softmax_row(const float* s, float* y, int64_t visible, int64_t n, float divisor,
                           float m, float inv);
// The row's backward: dx_j += y_j (g_j - sum_k g_k y_k) / divisor, visible j only.
void softmax_row_backward(const float* g, const float* y, float* dx, int64_t visible,
                          float divisor);

}  // namespace llm::ch03
