// Our solutions to the chapter 3 exercises.
#include "exercises.hpp"

namespace llm::ch03::exercises {

void copy_v2_weights_into_v1(const SelfAttention_v2& v2, SelfAttention_v1& v1) {
    // Linear stores W as [d_out, d_in] and computes x @ W^T; v1 computes x @ W with W [d_in, d_out].
    auto copy_transposed = [](const Tensor& linear_weight, Tensor& raw) {
        raw.copy_(linear_weight.T());  // [d_in, d_out]
    };
    copy_transposed(v2.W_query->weight, v1.W_query);
    copy_transposed(v2.W_key->weight, v1.W_key);
    copy_transposed(v2.W_value->weight, v1.W_value);
}

std::shared_ptr<MultiHeadAttentionWrapper> two_dimensional_wrapper() {
    // each head outputs d_out values and the wrapper concatenates them: 2 heads x 1 = 2
    return std::make_shared<MultiHeadAttentionWrapper>(3, 1, 6, 0.0f, 2);
}

std::shared_ptr<MultiHeadAttention> gpt2_size_attention() {
    return std::make_shared<MultiHeadAttention>(768, 768, 1024, 0.0f, 12);
}

}  // namespace llm::ch03::exercises
