// Chapter 3 exercises: implement these in your copy of solution.cpp
// (./book exercise ch03 creates ch03/exercises/mine/solution.cpp).
#pragma once
#include <memory>

#include "multihead_attention.hpp"
#include "self_attention.hpp"

namespace llm::ch03::exercises {

// Exercise 3.1: make v1 compute exactly what v2 computes by copying v2's
// Linear weights into v1's raw weight matrices.
void copy_v2_weights_into_v1(const SelfAttention_v2& v2, SelfAttention_v1& v1);

// Exercise 3.2: a MultiHeadAttentionWrapper over 3-d inputs (context 6, no
// dropout) with two heads whose combined output is 2-dimensional.
std::shared_ptr<MultiHeadAttentionWrapper> two_dimensional_wrapper();

// Exercise 3.3: a MultiHeadAttention the size of GPT-2 small's: 12 heads,
// 768-dimensional inputs and outputs, context length 1024, dropout 0.0.
std::shared_ptr<MultiHeadAttention> gpt2_size_attention();

}  // namespace llm::ch03::exercises
