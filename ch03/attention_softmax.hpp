// The fused step at the heart of causal attention (sections 3.4-3.5):
//   weights = softmax(mask(scores) / divisor)  along the last dimension,
// where the causal mask hides key positions after the query's position.
// One pass forward, one pass backward, written out next to each other.
#pragma once
#include "tensor.hpp"

namespace llm::ch03 {

// scores: [..., Tq, Tk]. Query row i sits at absolute position q_offset + i
// (q_offset > 0 when earlier tokens are cached, chapter 4's KV cache); with
// causal, it sees keys 0 .. q_offset + i. Masked weights are exactly 0.
Tensor attention_softmax(const Tensor& scores, float divisor, bool causal, int64_t q_offset = 0);

}  // namespace llm::ch03
