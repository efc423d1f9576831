// Our solutions to the chapter 4 exercises.
#include "exercises.hpp"

namespace llm::ch04::exercises {

std::pair<int64_t, int64_t> feed_forward_and_attention_parameters(const GPTConfig& cfg) {
    TransformerBlock block(cfg);  // count what is really there
    return {block.ff->num_parameters(), block.att->num_parameters()};
}

GPTConfig larger_gpt2_config(const std::string& size) {
    GPTConfig c = GPT_CONFIG_124M();
    if (size == "medium") {
        c.emb_dim = 1024;
        c.n_layers = 24;
        c.n_heads = 16;
    } else if (size == "large") {
        c.emb_dim = 1280;
        c.n_layers = 36;
        c.n_heads = 20;
    } else if (size == "xl") {
        c.emb_dim = 1600;
        c.n_layers = 48;
        c.n_heads = 25;
    }
    return c;
}

double megabytes(int64_t n) { return static_cast<double>(n) * 4 / (1024.0 * 1024.0); }

std::shared_ptr<GPTModel> model_with_separate_dropout(const GPTConfig& cfg, float emb,
                                                      float shortcut, float attn) {
    auto m = std::make_shared<GPTModel>(cfg);
    m->drop_emb->p = emb;
    for (size_t i = 0; i < m->trf_blocks->size(); ++i) {
        auto& b = m->trf_blocks->at<TransformerBlock>(i);
        b.drop_shortcut->p = shortcut;
        b.att->dropout->p = attn;
    }
    return m;
}

}  // namespace llm::ch04::exercises
