#include "dummy_gpt.hpp"

#include "ops.hpp"

namespace llm::ch04 {

DummyGPTModel::DummyGPTModel(const GPTConfig& cfg) {
    tok_emb = register_module("tok_emb", std::make_shared<Embedding>(cfg.vocab_size, cfg.emb_dim));
    pos_emb =
        register_module("pos_emb", std::make_shared<Embedding>(cfg.context_length, cfg.emb_dim));
    drop_emb = register_module("drop_emb", std::make_shared<Dropout>(cfg.drop_rate));
    trf_blocks = register_module("trf_blocks", std::make_shared<Sequential>());
    for (int64_t i = 0; i < cfg.n_layers; ++i)
        trf_blocks->push_back(std::make_shared<DummyTransformerBlock>());
    final_norm = register_module("final_norm", std::make_shared<DummyLayerNorm>());
    out_head =
        register_module("out_head", std::make_shared<Linear>(cfg.emb_dim, cfg.vocab_size, false));
}

Tensor DummyGPTModel::forward(const IntTensor& in_idx) {
    const int64_t T = in_idx.shape[1];
    std::vector<int64_t> pos(static_cast<size_t>(T));
    for (int64_t t = 0; t < T; ++t) pos[static_cast<size_t>(t)] = t;
    Tensor x = drop_emb->forward(tok_emb->forward(in_idx) + pos_emb->forward(IntTensor({T}, pos)));
    return out_head->forward(final_norm->forward(trf_blocks->forward(x)));
}

}  // namespace llm::ch04
