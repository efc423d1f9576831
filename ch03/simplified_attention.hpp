// Section 3.3: self-attention without trainable weights, on the book's six
// 3-d embeddings of "Your journey starts with one step".
#pragma once
#include "tensor.hpp"

namespace llm::ch03 {

// The book's inputs [6, 3]: Your, journey, starts, with, one, step.
Tensor book_inputs();
// exp(x) / sum(exp(x)): the textbook formula, which overflows for large x.
Tensor softmax_naive(const Tensor& x);
// Scores of one query against every input: dot products [6].
Tensor attention_scores_for(const Tensor& inputs, int64_t query_index);
// All at once: scores = inputs @ inputs^T, weights = softmax(scores), context = weights @ inputs.
struct SimplifiedAttention {
    Tensor scores, weights, context;
};
SimplifiedAttention simplified_self_attention(const Tensor& inputs);

}  // namespace llm::ch03
