// Section 3.6: multi-head attention, first as a stack of CausalAttention
// heads (listing 3.4), then as one module that splits a single projection
// into heads (listing 3.5), which GPT uses.
#pragma once
#include "causal_attention.hpp"
#include "nn.hpp"

namespace llm::ch03 {

class MultiHeadAttentionWrapper : public Module {
public:
    MultiHeadAttentionWrapper(int64_t d_in, int64_t d_out, int64_t context_length, float dropout,
                              int64_t num_heads, bool qkv_bias = false);
    Tensor forward(const Tensor& x) override;  // [b, T, d_in] -> [b, T, num_heads * d_out]
    std::string type_name() const override { return "MultiHeadAttentionWrapper"; }
    std::shared_ptr<ModuleList> heads;
};

// Keys and values of the tokens seen so far, per layer, for generation
// one token at a time (chapter 4's KV cache). Filled by MultiHeadAttention.
// As the book's bonus KV cache keeps them, [b, heads, positions, head_dim]:
// each head's rows adjacent, so attention over the cache reads each head as
// one stream of memory.
struct KVCache {
    Tensor keys, values;  // [b, num_heads, capacity, head_dim], allocated on first use
    int64_t length = 0;  // how many positions are filled
    void reset() { length = 0; }
    // Zeroed keys and values for b rows of capacity positions, length 0.
    void allocate(int64_t b, int64_t num_heads, int64_t capacity, int64_t head_dim);
    // Writes T new positions of batch row i at length .. length + T - 1 (length
    // is not moved): k and v are [T, num_heads * head_dim], rows ld floats apart.
    void put(int64_t i, const float* k, const float* v, int64_t T, int64_t ld);
};

class MultiHeadAttention : public Module {
public:
    MultiHeadAttention(int64_t d_in, int64_t d_out, int64_t context_length, float dropout,
                       int64_t num_heads, bool qkv_bias = false);
    Tensor forward(const Tensor& x) override;  // [b, T, d_in] -> [b, T, d_out]
    // Inference with a cache: x holds only the new tokens; their keys and
    // values are appended to the cache, and the fast tier's attention kernel
    // runs over all cached keys with the queries offset by what was cached
    // before. The cache grows by T. No autograd.
    Tensor forward_cached(const Tensor& x, KVCache& cache);
    std::string type_name() const override { return "MultiHeadAttention"; }

    std::shared_ptr<Linear> W_query, W_key, W_value, out_proj;
    std::shared_ptr<Dropout> dropout;
    Tensor mask;  // buffer triu(ones(ctx, ctx), 1)
    Tensor last_attn_weights;  // [b, heads, T, T], before dropout, when keep_attn_weights
    bool keep_attn_weights = false;  // (costs [b, heads, T, T] floats per call)
    // true: the fast tier (scaled_dot_product_attention_fused.cpp); false: the
    // book's listing step by step, reading the mask buffer through masked_fill.
    // A GPTModel switches all its modules to the fast tier (use_fused_kernels).
    bool fused = false;
    int64_t d_out, num_heads, head_dim, context_length;

protected:
    // replace_module("W_query", ...) (appendix E swaps every Linear): the
    // typed members above follow the registered children.
    void set_child(const std::string& name, std::shared_ptr<Module> m) override;
};

}  // namespace llm::ch03
