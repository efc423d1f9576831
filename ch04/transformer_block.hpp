// Section 4.5: the transformer block (listing 4.6): pre-LayerNorm,
// multi-head attention and feed-forward, each wrapped in dropout and a
// shortcut connection.
#pragma once
#include "gelu.hpp"
#include "gpt_config.hpp"
#include "layer_norm.hpp"
#include "multihead_attention.hpp"

namespace llm::ch04 {

class TransformerBlock : public Module {
public:
    explicit TransformerBlock(const GPTConfig& cfg);
    Tensor forward(const Tensor& x) override;  // [B, T, emb] -> [B, T, emb]
    Tensor forward_cached(const Tensor& x, ch03::KVCache& cache);  // inference on new tokens only
    std::string type_name() const override { return "TransformerBlock"; }
    std::shared_ptr<ch03::MultiHeadAttention> att;
    std::shared_ptr<FeedForward> ff;
    std::shared_ptr<LayerNorm> norm1, norm2;
    std::shared_ptr<Dropout> drop_shortcut;
};

}  // namespace llm::ch04
