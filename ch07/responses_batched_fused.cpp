#include "responses_batched_fused.hpp"

#include <algorithm>

#include "autograd.hpp"
#include "error.hpp"
#include "decoding.hpp"
#include "ops.hpp"
#include "scaled_dot_product_attention_fused.hpp"
#include "transformer_block.hpp"

namespace llm::ch07 {

namespace {

using ch03::KVCache;

// One running sequence: its ids so far and one cache per block, sized for
// its prompt and its new tokens (not the whole context).
struct Sequence {
    size_t index;  // into the prompts
    std::vector<int64_t> ids;
    std::vector<KVCache> caches;
    int64_t fed = 0;  // ids already in the caches
    int64_t new_tokens = 0;
};

// A row range of the stacked tokens: sequence r's pending tokens are rows
// [first, first + count) of the [1, N, emb] activations.
struct Rows {
    int64_t first, count;
};

Tensor rows_of(const Tensor& x, Rows r) {  // [1, N, C] -> [1, count, C]
    const int64_t C = x.size(2);
    Tensor out = Tensor::empty({1, r.count, C});
    std::copy(x.data() + r.first * C, x.data() + (r.first + r.count) * C, out.data());
    return out;
}

// Attention of every sequence against its own cache, the products stacked.
Tensor attention(ch03::MultiHeadAttention& att, const Tensor& x, std::vector<Sequence*>& seqs,
                 const std::vector<Rows>& rows, size_t block) {
    const Tensor q = att.W_query->forward(x), k = att.W_key->forward(x),
                 v = att.W_value->forward(x);  // [1, N, d_out]
    const int64_t D = att.d_out;
    Tensor context = Tensor::empty(q.shape());  // [1, N, d_out]
    for (size_t s = 0; s < seqs.size(); ++s) {
        KVCache& cache = seqs[s]->caches[block];
        const Rows r = rows[s];
        cache.put(0, k.data() + r.first * D, v.data() + r.first * D, r.count, D);
        cache.length += r.count;
        const Tensor out = ch03::scaled_dot_product_attention_cached(
            rows_of(q, r), cache.keys, cache.values, cache.length, att.num_heads);
        std::copy(out.data(), out.data() + r.count * D, context.data() + r.first * D);
    }
    return att.out_proj->forward(context);
}

// The next-token logits [n, vocab] of every sequence, feeding each its
// tokens not yet cached (the whole prompt at first, then one token).
Tensor next_logits(ch04::GPTModel& model, std::vector<Sequence*>& seqs) {
    std::vector<int64_t> tokens, pos;
    std::vector<Rows> rows;
    for (Sequence* s : seqs) {
        const auto n = static_cast<int64_t>(s->ids.size()) - s->fed;
        rows.push_back({static_cast<int64_t>(tokens.size()), n});
        for (int64_t t = s->fed; t < s->fed + n; ++t) {
            tokens.push_back(s->ids[static_cast<size_t>(t)]);
            pos.push_back(t);
        }
        s->fed += n;
    }
    const auto N = static_cast<int64_t>(tokens.size());
    Tensor x = model.tok_emb->forward(IntTensor({1, N}, std::move(tokens))) +
        model.pos_emb->forward(IntTensor({N}, std::move(pos)));  // [1, N, emb]
    for (int64_t i = 0; i < model.cfg.n_layers; ++i) {
        auto& blk = model.trf_blocks->at<ch04::TransformerBlock>(static_cast<size_t>(i));
        const Tensor h = x +
            attention(*blk.att, blk.norm1->forward(x), seqs, rows,
                      static_cast<size_t>(i));  // eval: no dropout
        x = h + blk.ff->forward(blk.norm2->forward(h));
    }
    const int64_t C = model.cfg.emb_dim;
    Tensor last = Tensor::empty({static_cast<int64_t>(seqs.size()), C});  // each one's last token
    for (size_t s = 0; s < seqs.size(); ++s)
        std::copy(x.data() + (rows[s].first + rows[s].count - 1) * C,
                  x.data() + (rows[s].first + rows[s].count) * C,
                  last.data() + static_cast<int64_t>(s) * C);
    return model.out_head->forward(model.final_norm->forward(last));  // [n, vocab]
}

Sequence start(const ch04::GPTModel& model, size_t index, const std::vector<int64_t>& prompt,
               int64_t max_new_tokens) {
    Sequence s{index, prompt, {}, 0, 0};
    const auto capacity = static_cast<int64_t>(prompt.size()) + max_new_tokens;
    for (int64_t i = 0; i < model.cfg.n_layers; ++i) {
        KVCache c;
        c.allocate(1, model.cfg.n_heads, capacity, model.cfg.emb_dim / model.cfg.n_heads);
        s.caches.push_back(std::move(c));
    }
    return s;
}

}  // namespace

std::vector<std::vector<int64_t>> generate_greedy_batched(
    ch04::GPTModel& model, const std::vector<std::vector<int64_t>>& prompts, int64_t max_new_tokens,
    int64_t eos_id, int64_t batch_size, const std::function<void(size_t)>& on_done) {
    if (batch_size <= 0 || max_new_tokens < 0)
        throw ValueError("generate_greedy_batched: batch_size must be > 0, max_new_tokens >= 0");
    model.eval();
    NoGradGuard no_grad;
    const int64_t ctx = model.cfg.context_length;
    std::vector<std::vector<int64_t>> out(prompts.size());
    std::vector<size_t> queue;  // the prompts that fit, in order
    for (size_t i = 0; i < prompts.size(); ++i) {
        if (prompts[i].empty())
            throw ValueError("generate_greedy_batched: prompt " + std::to_string(i) + " is empty");
        const auto len = static_cast<int64_t>(prompts[i].size());
        if (len + max_new_tokens <= ctx || max_new_tokens == 0) {
            queue.push_back(i);
            continue;
        }
        // the window slides: the reference path, alone
        ch05::GenerateOptions o;
        o.max_new_tokens = max_new_tokens;
        o.context_size = ctx;
        o.eos_id = eos_id;
        const IntTensor all = ch05::generate(model, IntTensor({1, len}, prompts[i]), o);
        out[i].assign(all.data.begin() + len, all.data.end());
        if (on_done) on_done(i);
    }
    std::vector<Sequence> running;
    size_t next = 0;
    while (next < queue.size() || !running.empty()) {
        while (static_cast<int64_t>(running.size()) < batch_size && next < queue.size()) {
            const size_t i = queue[next++];
            if (max_new_tokens == 0) {
                if (on_done) on_done(i);
                continue;
            }
            running.push_back(start(model, i, prompts[i], max_new_tokens));
        }
        if (running.empty()) break;
        std::vector<Sequence*> seqs;
        for (auto& s : running) seqs.push_back(&s);
        const IntTensor best = argmax(next_logits(model, seqs), -1);  // [n]
        std::vector<Sequence> still;
        for (size_t s = 0; s < running.size(); ++s) {
            Sequence& q = running[s];
            const int64_t id = best.data[s];
            const bool stop = id == eos_id;
            if (!stop) {
                q.ids.push_back(id);
                out[q.index].push_back(id);
                ++q.new_tokens;
            }
            if (stop || q.new_tokens == max_new_tokens) {
                if (on_done) on_done(q.index);
            } else {
                still.push_back(std::move(q));
            }
        }
        running = std::move(still);
    }
    return out;
}

}  // namespace llm::ch07
