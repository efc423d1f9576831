// Section 4.6: the GPT model (listing 4.7): token and positional
// embeddings, dropout, n transformer blocks, a final LayerNorm and the
// linear output head that turns each position's vector into logits over
// the vocabulary.
#pragma once
#include <vector>

#include "gpt_config.hpp"
#include "transformer_block.hpp"

namespace llm::ch04 {

class GPTModel : public Module {
public:
    explicit GPTModel(const GPTConfig& cfg);
    Tensor forward(const IntTensor& in_idx);  // [B, T] ids -> [B, T, vocab] logits
    // Inference with one KV cache per block: in_idx holds the tokens after
    // those already cached; returns the logits of the last position [B, vocab].
    Tensor forward_cached(const IntTensor& in_idx, std::vector<ch03::KVCache>& caches);
    std::string type_name() const override { return "GPTModel"; }
    // GPT-2's weight tying: the output head shares the token embedding's
    // tensor (one set of numbers, two names).
    void tie_weights() { out_head->weight = tok_emb->weight; }
    bool weights_tied() const { return out_head->weight.impl() == tok_emb->weight.impl(); }
    // The two tiers, switched for the whole model at once (the book's GPTModel
    // and GPTModelFast, nanoGPT's `flash`): true runs every attention, LayerNorm
    // and GELU on the fast kernels (*_fused.cpp), false on the book's listings.
    // A new GPTModel starts on the fast tier; both compute the same numbers.
    void use_fused_kernels(bool on);

    GPTConfig cfg;
    std::shared_ptr<Embedding> tok_emb, pos_emb;
    std::shared_ptr<Dropout> drop_emb;
    std::shared_ptr<Sequential> trf_blocks;
    std::shared_ptr<LayerNorm> final_norm;
    std::shared_ptr<Linear> out_head;

protected:
    // replace_module("out_head", ...) (chapter 6's new head, appendix E's
    // LoRA): the typed members above follow the registered children.
    void set_child(const std::string& name, std::shared_ptr<Module> m) override;
};

// Parameters and memory, worked out from the configuration alone (4.6):
// equal to GPTModel(cfg).num_parameters() without building it.
int64_t count_parameters(const GPTConfig& cfg, bool tied_head = false);
double size_in_mb(int64_t num_parameters);  // float32 bytes / 1024^2

}  // namespace llm::ch04
