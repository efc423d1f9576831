// Listing 4.1: the placeholder architecture, before its parts exist.
// Blocks and the final norm pass their input through unchanged.
#pragma once
#include "gpt_config.hpp"
#include "nn.hpp"

namespace llm::ch04 {

class DummyTransformerBlock : public Module {
public:
    Tensor forward(const Tensor& x) override { return x; }
    std::string type_name() const override { return "DummyTransformerBlock"; }
};

class DummyLayerNorm : public Module {
public:
    Tensor forward(const Tensor& x) override { return x; }
    std::string type_name() const override { return "DummyLayerNorm"; }
};

class DummyGPTModel : public Module {
public:
    explicit DummyGPTModel(const GPTConfig& cfg);
    Tensor forward(const IntTensor& in_idx);  // [B, T] -> [B, T, vocab]
    std::string type_name() const override { return "DummyGPTModel"; }
    std::shared_ptr<Embedding> tok_emb, pos_emb;
    std::shared_ptr<Dropout> drop_emb;
    std::shared_ptr<Sequential> trf_blocks;
    std::shared_ptr<DummyLayerNorm> final_norm;
    std::shared_ptr<Linear> out_head;
};

}  // namespace llm::ch04
