#include "self_attention.hpp"

#include <cmath>

#include "attention_softmax_fused.hpp"
#include "ops.hpp"
#include "random.hpp"

namespace llm::ch03 {

SelfAttention_v1::SelfAttention_v1(int64_t d_in, int64_t d_out)
    : W_query(rand({d_in, d_out})), W_key(rand({d_in, d_out})), W_value(rand({d_in, d_out})) {
    register_parameter("W_query", &W_query);
    register_parameter("W_key", &W_key);
    register_parameter("W_value", &W_value);
}

Tensor SelfAttention_v1::forward(const Tensor& x) {
    const Tensor keys = matmul(x, W_key);  // [T, d_out]
    const Tensor queries = matmul(x, W_query);
    const Tensor values = matmul(x, W_value);
    const Tensor scores = matmul_nt(queries, keys);  // [T, T] = queries @ keys^T
    const float d_k = static_cast<float>(keys.size(-1));
    return matmul(attention_softmax(scores, std::sqrt(d_k), /*causal=*/false), values);
}

SelfAttention_v2::SelfAttention_v2(int64_t d_in, int64_t d_out, bool qkv_bias) {
    W_query = register_module("W_query", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    W_key = register_module("W_key", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    W_value = register_module("W_value", std::make_shared<Linear>(d_in, d_out, qkv_bias));
}

Tensor SelfAttention_v2::forward(const Tensor& x) {
    const Tensor keys = W_key->forward(x);
    const Tensor queries = W_query->forward(x);
    const Tensor values = W_value->forward(x);
    const float d_k = static_cast<float>(keys.size(-1));
    const Tensor weights = attention_softmax(matmul_nt(queries, keys), std::sqrt(d_k), false);
    last_attn_weights = weights.detach();
    return matmul(weights, values);
}

}  // namespace llm::ch03
