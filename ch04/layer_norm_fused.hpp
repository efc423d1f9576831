// The fast tier's layer normalization: LayerNorm's listing in one op with a
// hand-derived backward (its derivation in ch04/README.md, 4.2).
#pragma once
#include "tensor.hpp"

namespace llm::ch04 {

// y = scale * (x - mean) / sqrt(var + eps) + shift over the last dimension
// (biased variance, as the book and GPT-2). x: [..., D], scale/shift: [D].
Tensor layer_norm_fused(const Tensor& x, const Tensor& scale, const Tensor& shift,
                        float eps = 1e-5f);

}  // namespace llm::ch04
