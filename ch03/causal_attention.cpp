#include "causal_attention.hpp"

#include <cmath>

#include "error.hpp"
#include "ops.hpp"

namespace llm::ch03 {

CausalAttention::CausalAttention(int64_t d_in, int64_t d_out_, int64_t ctx, float p, bool qkv_bias)
    : d_out(d_out_), context_length(ctx) {
    W_query = register_module("W_query", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    W_key = register_module("W_key", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    W_value = register_module("W_value", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    dropout = register_module("dropout", std::make_shared<Dropout>(p));
    mask = triu(Tensor::ones({ctx, ctx}), 1);
    register_buffer("mask", &mask);
}

Tensor CausalAttention::forward(const Tensor& x) {
    if (x.dim() != 3)
        throw ShapeError("CausalAttention: input must be [batch, tokens, d_in], got " +
                         shape_str(x.shape()));
    if (x.size(1) > context_length)
        throw ShapeError("CausalAttention: " + std::to_string(x.size(1)) +
                         " tokens exceed the context length " + std::to_string(context_length));
    const int64_t num_tokens = x.size(1);
    const Tensor keys = W_key->forward(x);  // [b, T, d_out]
    const Tensor queries = W_query->forward(x);  // [b, T, d_out]
    const Tensor values = W_value->forward(x);  // [b, T, d_out]
    Tensor attn_scores = matmul(queries, keys.transpose(1, 2));  // [b, T, T]
    const Tensor mask_T =
        narrow(narrow(mask, 0, 0, num_tokens), 1, 0, num_tokens);  // self.mask[:T, :T]
    attn_scores = masked_fill(attn_scores, mask_T, -INFINITY);  // hide the future
    Tensor attn_weights = softmax(attn_scores / std::sqrt(static_cast<float>(keys.size(-1))), -1);
    last_attn_weights = attn_weights.detach();
    attn_weights = dropout->forward(attn_weights);
    return matmul(attn_weights, values);  // [b, T, d_out]
}

Tensor causal_weights_by_renormalising(const Tensor& scores, float divisor) {
    const Tensor w = softmax(scores / divisor, -1);
    const Tensor masked = tril(w);
    return masked / sum(masked, -1, true);
}

Tensor causal_weights_by_neg_inf(const Tensor& scores, float divisor) {
    const int64_t T = scores.size(-1);
    return softmax(masked_fill(scores, triu(Tensor::ones({T, T}), 1), -INFINITY) / divisor, -1);
}

}  // namespace llm::ch03
