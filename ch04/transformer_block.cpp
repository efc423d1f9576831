#include "transformer_block.hpp"

#include "ops.hpp"

namespace llm::ch04 {

TransformerBlock::TransformerBlock(const GPTConfig& cfg) {
    // construction order = the book's, so seeded weights match
    att = register_module(
        "att",
        std::make_shared<ch03::MultiHeadAttention>(cfg.emb_dim, cfg.emb_dim, cfg.context_length,
                                                   cfg.drop_rate, cfg.n_heads, cfg.qkv_bias));
    ff = register_module("ff", std::make_shared<FeedForward>(cfg));
    norm1 = register_module("norm1", std::make_shared<LayerNorm>(cfg.emb_dim));
    norm2 = register_module("norm2", std::make_shared<LayerNorm>(cfg.emb_dim));
    drop_shortcut = register_module("drop_shortcut", std::make_shared<Dropout>(cfg.drop_rate));
}

Tensor TransformerBlock::forward(const Tensor& x) {
    Tensor h = x +
        drop_shortcut->forward(att->forward(norm1->forward(x)));  // attention, then the shortcut
    return h +
        drop_shortcut->forward(ff->forward(norm2->forward(h)));  // feed-forward, then the shortcut
}

Tensor TransformerBlock::forward_cached(const Tensor& x, ch03::KVCache& cache) {
    Tensor h =
        x + att->forward_cached(norm1->forward(x), cache);  // eval mode: dropout is the identity
    return h + ff->forward(norm2->forward(h));
}

}  // namespace llm::ch04
