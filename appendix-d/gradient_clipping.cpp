#include "gradient_clipping.hpp"

#include <algorithm>

#include "error.hpp"

namespace llm::appendix_d {

Tensor find_highest_gradient(Module& model) {
    bool found = false;
    float max_grad = 0;  // max_grad = None
    for (const Tensor& param : model.parameters()) {
        const Tensor grad = param.grad();
        if (!grad.defined()) continue;  // if param.grad is not None:
        if (grad.numel() == 0) continue;
        const float max_grad_param =
            *std::max_element(grad.data(), grad.data() + grad.numel());  // flatten().max()
        if (!found || max_grad_param > max_grad) max_grad = max_grad_param;
        found = true;
    }
    if (!found)
        throw ValueError(
            "find_highest_gradient: no parameter has a gradient (call backward first)");
    return Tensor::scalar(max_grad);
}

}  // namespace llm::appendix_d
