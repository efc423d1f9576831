#include "simplified_attention.hpp"

#include "ops.hpp"

namespace llm::ch03 {

Tensor book_inputs() {
    return Tensor::from({{0.43f, 0.15f, 0.89f},  // Your     (x^1)
                         {0.55f, 0.87f, 0.66f},  // journey  (x^2)
                         {0.57f, 0.85f, 0.64f},  // starts   (x^3)
                         {0.22f, 0.58f, 0.33f},  // with     (x^4)
                         {0.77f, 0.25f, 0.10f},  // one      (x^5)
                         {0.05f, 0.80f, 0.55f}});  // step     (x^6)
}

Tensor softmax_naive(const Tensor& x) { return exp(x) / sum(exp(x), 0); }

Tensor attention_scores_for(const Tensor& inputs, int64_t q) {
    return matmul(inputs, select(inputs, 0, q));  // [6, 3] @ [3] -> [6]
}

SimplifiedAttention simplified_self_attention(const Tensor& inputs) {
    SimplifiedAttention a;
    a.scores = matmul(inputs, inputs.T());  // [6, 6]
    a.weights = softmax(a.scores, -1);  // each row sums to 1
    a.context = matmul(a.weights, inputs);  // [6, 3]
    return a;
}

}  // namespace llm::ch03
