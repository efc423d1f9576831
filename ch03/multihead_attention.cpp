#include "multihead_attention.hpp"

#include <cmath>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "scaled_dot_product_attention_fused.hpp"

namespace llm::ch03 {

MultiHeadAttentionWrapper::MultiHeadAttentionWrapper(int64_t d_in, int64_t d_out, int64_t ctx,
                                                     float p, int64_t num_heads, bool qkv_bias) {
    heads = register_module("heads", std::make_shared<ModuleList>());
    for (int64_t h = 0; h < num_heads; ++h)
        heads->push_back(std::make_shared<CausalAttention>(d_in, d_out, ctx, p, qkv_bias));
}

Tensor MultiHeadAttentionWrapper::forward(const Tensor& x) {
    std::vector<Tensor> outs;
    for (size_t h = 0; h < heads->size(); ++h)
        outs.push_back(heads->at<CausalAttention>(h).forward(x));
    return cat(outs, -1);
}

MultiHeadAttention::MultiHeadAttention(int64_t d_in, int64_t d_out_, int64_t ctx, float p,
                                       int64_t heads, bool qkv_bias)
    : d_out(d_out_),
      num_heads(heads),
      head_dim(heads > 0 ? d_out_ / heads : 0),
      context_length(ctx) {
    if (heads <= 0 || d_out % heads != 0)
        throw ValueError("MultiHeadAttention: d_out (" + std::to_string(d_out) +
                         ") must be divisible by num_heads (" + std::to_string(heads) + ")");
    W_query = register_module("W_query", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    W_key = register_module("W_key", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    W_value = register_module("W_value", std::make_shared<Linear>(d_in, d_out, qkv_bias));
    out_proj =
        register_module("out_proj", std::make_shared<Linear>(d_out, d_out));  // combines the heads
    dropout = register_module("dropout", std::make_shared<Dropout>(p));
    mask = triu(Tensor::ones({ctx, ctx}), 1);
    register_buffer("mask", &mask);
}

Tensor MultiHeadAttention::forward(const Tensor& x) {
    if (x.dim() != 3)
        throw ShapeError("MultiHeadAttention: input must be [batch, tokens, d_in], got " +
                         shape_str(x.shape()));
    const int64_t b = x.size(0), T = x.size(1);
    if (T > context_length)
        throw ShapeError("MultiHeadAttention: " + std::to_string(T) +
                         " tokens exceed the context length " + std::to_string(context_length));
    if (fused)  // the fast tier: scores, mask, softmax, dropout and the values in one op that reads heads in place
        return out_proj->forward(scaled_dot_product_attention(
            W_query->forward(x), W_key->forward(x), W_value->forward(x), num_heads, dropout->p,
            dropout->is_training(), keep_attn_weights ? &last_attn_weights : nullptr));
    // the book's listing 3.5, line for line
    const int64_t num_tokens = T;
    Tensor keys = W_key->forward(x);  // [b, T, d_out]
    Tensor queries = W_query->forward(x);
    Tensor values = W_value->forward(x);
    keys = keys.view({b, num_tokens, num_heads, head_dim});  // [b, T, heads, head_dim]
    values = values.view({b, num_tokens, num_heads, head_dim});
    queries = queries.view({b, num_tokens, num_heads, head_dim});
    keys = keys.transpose(1, 2);  // [b, heads, T, head_dim]
    queries = queries.transpose(1, 2);
    values = values.transpose(1, 2);
    Tensor attn_scores = matmul(queries, keys.transpose(2, 3));  // [b, heads, T, T]
    const Tensor mask_bool =
        narrow(narrow(mask, 0, 0, num_tokens), 1, 0, num_tokens);  // self.mask[:T, :T]
    attn_scores = masked_fill(attn_scores, mask_bool, -INFINITY);
    Tensor attn_weights = softmax(attn_scores / std::sqrt(static_cast<float>(keys.size(-1))), -1);
    if (keep_attn_weights) last_attn_weights = attn_weights.detach();
    attn_weights = dropout->forward(attn_weights);
    Tensor context_vec = matmul(attn_weights, values).transpose(1, 2);  // [b, T, heads, head_dim]
    context_vec = context_vec.contiguous().view({b, num_tokens, d_out});  // the heads side by side
    return out_proj->forward(context_vec);  // [b, T, d_out]
}

void KVCache::allocate(int64_t b, int64_t num_heads, int64_t capacity, int64_t head_dim) {
    keys = Tensor::zeros({b, num_heads, capacity, head_dim});
    values = Tensor::zeros({b, num_heads, capacity, head_dim});
    length = 0;
}

void KVCache::put(int64_t i, const float* k, const float* v, int64_t T, int64_t ld) {
    if (!keys.defined() || keys.dim() != 4)
        throw ShapeError("KVCache: put before allocate (no [b, heads, capacity, head_dim] cache)");
    const int64_t H = keys.size(1), C = keys.size(2), hd = keys.size(3);
    if (i < 0 || i >= keys.size(0) || T < 0 || length + T > C)
        throw ShapeError("KVCache: " + std::to_string(T) + " positions of batch row " +
                         std::to_string(i) + " do not fit a cache " + shape_str(keys.shape()) +
                         " holding " + std::to_string(length));
    for (int64_t h = 0; h < H; ++h)
        for (int64_t t = 0; t < T; ++t) {  // row t, head h -> [i, h, length + t, :]
            const int64_t dst = ((i * H + h) * C + length + t) * hd;
            std::copy(k + t * ld + h * hd, k + t * ld + (h + 1) * hd, keys.data() + dst);
            std::copy(v + t * ld + h * hd, v + t * ld + (h + 1) * hd, values.data() + dst);
        }
}

Tensor MultiHeadAttention::forward_cached(const Tensor& x, KVCache& cache) {
    NoGradGuard no_grad;
    const int64_t b = x.size(0), T = x.size(1), L0 = cache.length, L = L0 + T;
    if (L > context_length)
        throw ShapeError("MultiHeadAttention: the KV cache holds " + std::to_string(L0) +
                         " tokens; " + std::to_string(T) + " more exceed the context length " +
                         std::to_string(context_length));
    if (!cache.keys.defined() || cache.keys.size(0) != b)
        cache.allocate(b, num_heads, context_length, head_dim);
    const Tensor q = W_query->forward(x), k = W_key->forward(x),
                 v = W_value->forward(x);  // [b, T, d_out]
    // append the new keys and values at positions L0 .. L-1
    for (int64_t i = 0; i < b; ++i)
        cache.put(i, k.data() + i * T * d_out, v.data() + i * T * d_out, T, d_out);
    cache.length = L;
    // the training kernel, over L keys, the queries at positions L0 .. L-1
    return out_proj->forward(
        scaled_dot_product_attention_cached(q, cache.keys, cache.values, L, num_heads));
}

void MultiHeadAttention::set_child(const std::string& name, std::shared_ptr<Module> m) {
    if (name == "W_query") return set_typed_child(W_query, name, m);
    if (name == "W_key") return set_typed_child(W_key, name, m);
    if (name == "W_value") return set_typed_child(W_value, name, m);
    if (name == "out_proj") return set_typed_child(out_proj, name, m);
    if (name == "dropout") return set_typed_child(dropout, name, m);
    Module::set_child(name, m);
}

}  // namespace llm::ch03
