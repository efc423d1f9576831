// Section 3.5: causal (masked) attention with dropout, listing 3.3, line for
// line: the scores, the mask buffer applied with masked_fill, softmax, dropout.
#pragma once
#include "nn.hpp"

namespace llm::ch03 {

class CausalAttention : public Module {
public:
    CausalAttention(int64_t d_in, int64_t d_out, int64_t context_length, float dropout,
                    bool qkv_bias = false);
    Tensor forward(const Tensor& x) override;  // x: [b, T, d_in] -> [b, T, d_out]
    std::string type_name() const override { return "CausalAttention"; }
    std::shared_ptr<Linear> W_query, W_key, W_value;
    std::shared_ptr<Dropout> dropout;
    Tensor mask;  // buffer triu(ones(ctx, ctx), 1): 1 marks a hidden (future) position
    Tensor last_attn_weights;  // [b, T, T] after mask and softmax, before dropout
    int64_t d_out, context_length;
};

// The two ways of section 3.5.1 to hide the future, for the walkthrough:
// softmax, zero the upper triangle, renormalise rows; or -inf before softmax.
Tensor causal_weights_by_renormalising(const Tensor& scores, float divisor);
Tensor causal_weights_by_neg_inf(const Tensor& scores, float divisor);

}  // namespace llm::ch03
