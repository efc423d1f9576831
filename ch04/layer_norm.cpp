#include "layer_norm.hpp"

#include "layer_norm_fused.hpp"
#include "ops.hpp"

namespace llm::ch04 {

LayerNorm::LayerNorm(int64_t emb_dim)
    : scale(Tensor::ones({emb_dim})), shift(Tensor::zeros({emb_dim})) {
    register_parameter("scale", &scale);
    register_parameter("shift", &shift);
}

Tensor LayerNorm::forward(const Tensor& x) {
    if (fused) return layer_norm_fused(x, scale, shift, eps);  // the fast tier
    // the book's listing 4.2                                    x: [..., emb_dim]
    const Tensor mean = llm::mean(x, -1, /*keepdim=*/true);  // [..., 1]
    const Tensor var = llm::var(x, -1, /*unbiased=*/false, /*keepdim=*/true);  // [..., 1]
    const Tensor norm_x = (x - mean) / sqrt(var + eps);
    return scale * norm_x + shift;
}

}  // namespace llm::ch04
