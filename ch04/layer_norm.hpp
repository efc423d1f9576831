// Section 4.2: layer normalization (listing 4.2). Each token's vector is
// shifted to mean 0 and scaled to variance 1 (the biased variance, dividing
// by emb_dim, as GPT-2), then a learned scale and shift are applied.
#pragma once
#include "nn.hpp"

namespace llm::ch04 {

class LayerNorm : public Module {
public:
    explicit LayerNorm(int64_t emb_dim);
    Tensor forward(const Tensor& x) override;  // [..., emb_dim] -> [..., emb_dim]
    std::string type_name() const override { return "LayerNorm"; }
    Tensor scale, shift;  // ones, zeros
    float eps = 1e-5f;
    // true: the fast tier (layer_norm_fused.cpp); false: the listing's lines.
    // GPTModel::use_fused_kernels switches every module of a model at once.
    bool fused = false;
};

}  // namespace llm::ch04
