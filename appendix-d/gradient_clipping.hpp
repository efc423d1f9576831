// Appendix D.3: gradient clipping, seen through the largest gradient entry.
#pragma once
#include "nn.hpp"

namespace llm::appendix_d {

// The largest (signed) gradient entry over every parameter that has a
// gradient, as a 0-dim tensor: what the book prints before and after
// torch.nn.utils.clip_grad_norm_. Throws if no parameter has a gradient.
Tensor find_highest_gradient(Module& model);

}  // namespace llm::appendix_d
