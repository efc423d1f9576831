// Section 3.4: self-attention with trainable weights (scaled dot-product
// attention). Queries, keys and values are projections of the inputs;
// scores are query-key dot products divided by sqrt(d_k).
#pragma once
#include "nn.hpp"

namespace llm::ch03 {

// Listing 3.1: weight matrices as raw parameters drawn with rand(d_in, d_out).
class SelfAttention_v1 : public Module {
public:
    SelfAttention_v1(int64_t d_in, int64_t d_out);
    Tensor forward(const Tensor& x) override;  // x: [T, d_in] -> [T, d_out]
    std::string type_name() const override { return "SelfAttention_v1"; }
    Tensor W_query, W_key, W_value;  // [d_in, d_out] each
};

// Listing 3.2: the same with nn.Linear layers (better initialisation, x @ W^T).
class SelfAttention_v2 : public Module {
public:
    SelfAttention_v2(int64_t d_in, int64_t d_out, bool qkv_bias = false);
    Tensor forward(const Tensor& x) override;  // x: [T, d_in] -> [T, d_out]
    std::string type_name() const override { return "SelfAttention_v2"; }
    std::shared_ptr<Linear> W_query, W_key, W_value;
    Tensor last_attn_weights;  // [T, T], for inspection
};

}  // namespace llm::ch03
