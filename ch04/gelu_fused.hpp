// The fast tier's GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) in
// one vectorised op with its backward.
#pragma once
#include "tensor.hpp"

namespace llm::ch04 {

Tensor gelu_fused(const Tensor& x);

}  // namespace llm::ch04
