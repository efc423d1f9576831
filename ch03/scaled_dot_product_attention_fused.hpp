// The middle of MultiHeadAttention.forward (listing 3.5) as one op:
//
//   attn_scores  = queries @ keys^T                    per head, [T, T]
//   attn_weights = softmax(masked(attn_scores) / sqrt(head_dim))
//   attn_weights = dropout(attn_weights)
//   context      = attn_weights @ values               per head, [T, head_dim]
//
// PyTorch offers the same as F.scaled_dot_product_attention(q, k, v,
// dropout_p, is_causal=True), which the book's bonus material on efficient
// attention uses. Doing it in one op saves the transposed copies of the
// heads (each head is read in place from the [b, T, heads * head_dim]
// projections, and the context is written straight back in that layout) and
// the [b, heads, T, T] weights: backward keeps only the dropout mask (a
// byte per weight) and two numbers per softmax row, and recomputes the
// scores and weights, bit for bit, with one more small product per head.
// Random draws, values and gradients are those of the step-by-step version
// (MultiHeadAttention's tests check both against PyTorch).
#pragma once
#include "tensor.hpp"

namespace llm::ch03 {

// queries, keys, values: [b, T, num_heads * head_dim], head h in columns
// h * head_dim ... (h + 1) * head_dim - 1. Returns the context in the same
// layout. Dropout (probability dropout_p, the default generator) applies
// when training. If weights_out is given, it receives the attention weights
// before dropout, [b, num_heads, T, T] (for inspection; costs that memory).
Tensor scaled_dot_product_attention(const Tensor& queries, const Tensor& keys, const Tensor& values,
                                    int64_t num_heads, float dropout_p, bool training,
                                    Tensor* weights_out = nullptr);

// The same kernel for generation with a KV cache (no autograd, no dropout):
// keys and values are [b, num_heads, capacity, head_dim] (KVCache's layout:
// a head's cached rows adjacent, read as one stream) with their first
// kv_length positions filled, queries [b, Tq, num_heads * head_dim] the
// newest Tq of those positions (query offset kv_length - Tq), each seeing the
// keys up to its own.
Tensor scaled_dot_product_attention_cached(const Tensor& queries, const Tensor& keys,
                                           const Tensor& values, int64_t kv_length,
                                           int64_t num_heads);

}  // namespace llm::ch03
