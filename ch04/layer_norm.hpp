// Section 4.2: layer normalization (listing 4.2). Each token's vector is
// shifted to mean 0 and scaled to variance 1, then a learned scale and
// shift are applied. One fused op: forward and hand-derived backward.
#pragma once
#include "nn.hpp"

namespace llm::ch04 {

// y = scale * (x - mean) / sqrt(var + eps) + shift over the last dimension
// (biased variance, as the book and GPT-2). x: [..., D], scale/shift: [D].
Tensor layer_norm(const Tensor& x, const Tensor& scale, const Tensor& shift, float eps = 1e-5f);

class LayerNorm : public Module {
public:
    explicit LayerNorm(int64_t emb_dim);
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "LayerNorm"; }
    Tensor scale, shift;  // ones, zeros
    float eps = 1e-5f;
};

}  // namespace llm::ch04
