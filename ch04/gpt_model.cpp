#include "gpt_model.hpp"

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"

namespace llm::ch04 {

GPTModel::GPTModel(const GPTConfig& c) : cfg(c) {
    cfg.validate();
    tok_emb = register_module("tok_emb", std::make_shared<Embedding>(cfg.vocab_size, cfg.emb_dim));
    pos_emb =
        register_module("pos_emb", std::make_shared<Embedding>(cfg.context_length, cfg.emb_dim));
    drop_emb = register_module("drop_emb", std::make_shared<Dropout>(cfg.drop_rate));
    trf_blocks = register_module("trf_blocks", std::make_shared<Sequential>());
    for (int64_t i = 0; i < cfg.n_layers; ++i)
        trf_blocks->push_back(std::make_shared<TransformerBlock>(cfg));
    final_norm = register_module("final_norm", std::make_shared<LayerNorm>(cfg.emb_dim));
    out_head =
        register_module("out_head", std::make_shared<Linear>(cfg.emb_dim, cfg.vocab_size, false));
    use_fused_kernels(true);  // training and generation run on the fast tier
}

void GPTModel::use_fused_kernels(bool on) {
    apply([on](Module& m) {
        if (auto* a = dynamic_cast<ch03::MultiHeadAttention*>(&m)) a->fused = on;
        if (auto* n = dynamic_cast<LayerNorm*>(&m)) n->fused = on;
        if (auto* g = dynamic_cast<GELU*>(&m)) g->fused = on;
    });
}

namespace {
IntTensor positions(int64_t start, int64_t T) {
    std::vector<int64_t> p(static_cast<size_t>(T));
    for (int64_t t = 0; t < T; ++t) p[static_cast<size_t>(t)] = start + t;
    return IntTensor({T}, std::move(p));
}
void check_ids(const IntTensor& idx, const GPTConfig& cfg, int64_t start) {
    if (idx.shape.size() != 2)
        throw ShapeError("GPTModel: input ids must be [batch, tokens], got " +
                         shape_str(idx.shape));
    if (start + idx.shape[1] > cfg.context_length)
        throw ValueError("GPTModel: " + std::to_string(start + idx.shape[1]) +
                         " positions exceed the context length " +
                         std::to_string(cfg.context_length) +
                         " (crop the input to the last context_length tokens)");
    for (int64_t id : idx.data)
        if (id < 0 || id >= cfg.vocab_size)
            throw ValueError("GPTModel: token id " + std::to_string(id) +
                             " is outside the vocabulary of " + std::to_string(cfg.vocab_size));
}
}  // namespace

Tensor GPTModel::forward(const IntTensor& in_idx) {
    check_ids(in_idx, cfg, 0);
    const int64_t T = in_idx.shape[1];
    const Tensor tok_embeds = tok_emb->forward(in_idx);  // [B, T, emb]
    const Tensor pos_embeds = pos_emb->forward(positions(0, T));  // [T, emb]
    Tensor x = drop_emb->forward(tok_embeds + pos_embeds);
    x = trf_blocks->forward(x);
    x = final_norm->forward(x);
    return out_head->forward(x);  // [B, T, vocab]
}

Tensor GPTModel::forward_cached(const IntTensor& in_idx, std::vector<ch03::KVCache>& caches) {
    NoGradGuard no_grad;
    if (caches.size() != static_cast<size_t>(cfg.n_layers))
        caches.assign(static_cast<size_t>(cfg.n_layers), {});
    const int64_t start = caches[0].length;
    check_ids(in_idx, cfg, start);
    const int64_t B = in_idx.shape[0], T = in_idx.shape[1];
    Tensor x = tok_emb->forward(in_idx) + pos_emb->forward(positions(start, T));
    for (int64_t i = 0; i < cfg.n_layers; ++i)
        x = trf_blocks->at<TransformerBlock>(static_cast<size_t>(i))
                .forward_cached(x, caches[static_cast<size_t>(i)]);
    const Tensor last = select(x, 1, T - 1);  // [B, emb]: only the last position is needed
    return out_head->forward(final_norm->forward(last)).view({B, cfg.vocab_size});
}

int64_t count_parameters(const GPTConfig& c, bool tied_head) {
    const int64_t e = c.emb_dim;
    const int64_t attention =
        3 * e * e + (c.qkv_bias ? 3 * e : 0) + e * e + e;  // W_q, W_k, W_v, out_proj
    const int64_t feed_forward = e * 4 * e + 4 * e + 4 * e * e + e;
    const int64_t norms = 2 * 2 * e;
    const int64_t blocks = c.n_layers * (attention + feed_forward + norms);
    const int64_t embeddings = c.vocab_size * e + c.context_length * e;
    const int64_t head = tied_head ? 0 : e * c.vocab_size;
    return embeddings + blocks + 2 * e + head;
}

double size_in_mb(int64_t n) { return static_cast<double>(n) * 4.0 / (1024.0 * 1024.0); }

void GPTModel::set_child(const std::string& name, std::shared_ptr<Module> m) {
    if (name == "tok_emb") return set_typed_child(tok_emb, name, m);
    if (name == "pos_emb") return set_typed_child(pos_emb, name, m);
    if (name == "drop_emb") return set_typed_child(drop_emb, name, m);
    if (name == "trf_blocks") return set_typed_child(trf_blocks, name, m);
    if (name == "final_norm") return set_typed_child(final_norm, name, m);
    if (name == "out_head") return set_typed_child(out_head, name, m);
    Module::set_child(name, m);
}

}  // namespace llm::ch04
