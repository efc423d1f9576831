#include "decoding.hpp"

#include <memory>
#include <set>

#include "cached_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "autograd.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "ops.hpp"

namespace llm::ch05 {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}

std::vector<float> softmax_with_temperature(const std::vector<float>& logits, float temperature) {
    if (!(temperature > 0))
        throw ValueError("softmax_with_temperature: temperature must be positive");
    std::vector<float> p(logits.size());
    float m = kNegInf;
    for (float l : logits) m = std::max(m, l / temperature);
    double s = 0;
    for (size_t i = 0; i < p.size(); ++i) s += p[i] = std::exp(logits[i] / temperature - m);
    for (auto& v : p) v = static_cast<float>(v / s);
    return p;
}

std::vector<float> top_k_filter(std::vector<float> logits, int64_t k) {
    if (k <= 0) throw ValueError("top_k must be positive, got " + std::to_string(k));
    if (k >= static_cast<int64_t>(logits.size())) return logits;
    std::vector<float> sorted = logits;
    std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<float>());
    const float min_val = sorted[static_cast<size_t>(k - 1)];  // the k-th largest
    for (auto& l : logits)
        if (l < min_val) l = kNegInf;
    return logits;
}

std::vector<float> top_p_filter(std::vector<float> logits, float p) {
    if (!(p > 0 && p <= 1)) throw ValueError("top_p must be in (0, 1], got " + std::to_string(p));
    if (p >= 1) return logits;
    const auto probs = softmax_with_temperature(logits, 1.0f);
    std::vector<size_t> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return probs[a] > probs[b]; });
    double cumulative = 0;
    size_t keep = 0;
    while (keep < order.size()) {  // the smallest prefix whose mass reaches p
        cumulative += probs[order[keep++]];
        if (cumulative >= p) break;
    }
    for (size_t i = keep; i < order.size(); ++i) logits[order[i]] = kNegInf;
    return logits;
}

std::vector<float> apply_repetition_penalty(std::vector<float> logits,
                                            const std::vector<int64_t>& seen, float penalty) {
    if (!(penalty > 0))
        throw ValueError("repetition_penalty must be positive, got " + std::to_string(penalty));
    if (penalty == 1.0f) return logits;
    std::vector<bool> done(logits.size(), false);
    for (int64_t id : seen) {
        if (id < 0 || id >= static_cast<int64_t>(logits.size()) || done[static_cast<size_t>(id)])
            continue;
        done[static_cast<size_t>(id)] = true;
        float& l = logits[static_cast<size_t>(id)];
        l = l < 0 ? l * penalty : l / penalty;
    }
    return logits;
}

IntTensor generate(ch04::GPTModel& model, const IntTensor& idx_in, const GenerateOptions& opt,
                   Generator& gen) {
    if (idx_in.shape.size() != 2 || idx_in.shape[0] != 1 || idx_in.shape[1] == 0)
        throw ValueError("generate: the prompt must be [1, T] with T >= 1");
    if (opt.temperature < 0)
        throw ValueError("generate: temperature must be >= 0, got " +
                         std::to_string(opt.temperature));
    if (opt.max_new_tokens < 0) throw ValueError("generate: max_new_tokens must be >= 0");
    NoGradGuard no_grad;
    ch04::CachedDecoder decoder(model, opt.context_size);
    std::vector<int64_t> ids = idx_in.data;
    for (int64_t step = 0; step < opt.max_new_tokens; ++step) {
        const IntTensor text({1, static_cast<int64_t>(ids.size())}, ids);
        std::vector<float> logits = decoder.next_logits(text).to_vector();  // [1, V]
        logits = apply_repetition_penalty(std::move(logits), ids, opt.repetition_penalty);
        if (opt.top_k) logits = top_k_filter(std::move(logits), *opt.top_k);
        logits = top_p_filter(std::move(logits), opt.top_p);
        int64_t next;
        if (opt.temperature > 0) {
            const auto probs = softmax_with_temperature(logits, opt.temperature);
            next = multinomial(Tensor::from(probs, {static_cast<int64_t>(probs.size())}), 1, false,
                               gen)
                       .data[0];
        } else {
            next = std::max_element(logits.begin(), logits.end()) - logits.begin();
        }
        if (opt.eos_id && next == *opt.eos_id) break;
        ids.push_back(next);
        if (opt.on_token && !opt.on_token(next, logits)) break;
    }
    return IntTensor({1, static_cast<int64_t>(ids.size())}, ids);
}

IntTensor beam_search(ch04::GPTModel& model, const IntTensor& idx, int64_t max_new_tokens,
                      int64_t context_size, int64_t num_beams, std::optional<int64_t> eos_id,
                      const std::function<bool(const std::vector<int64_t>& best)>& on_step) {
    if (num_beams < 1)
        throw ValueError("beam_search: the number of beams must be at least 1, got " +
                         std::to_string(num_beams));
    if (idx.shape.size() != 2 || idx.shape[0] != 1 || idx.shape[1] == 0)
        throw ValueError("beam_search: the prompt must be [1, T]");
    NoGradGuard no_grad;
    struct Beam {
        std::vector<int64_t> ids;
        double score;
        bool done;
        std::shared_ptr<ch04::CachedDecoder>
            decoder;  // this text's caches (shared until it branches)
    };
    std::vector<Beam> beams{
        {idx.data, 0.0, false, std::make_shared<ch04::CachedDecoder>(model, context_size)}};
    for (int64_t step = 0; step < max_new_tokens; ++step) {
        std::vector<Beam> candidates;
        for (const Beam& b : beams) {
            if (b.done) {
                candidates.push_back(b);
                continue;
            }
            const IntTensor text({1, static_cast<int64_t>(b.ids.size())}, b.ids);
            const Tensor logp = log_softmax(select(b.decoder->next_logits(text), 0, 0), 0);  // [V]
            std::vector<int64_t> order(static_cast<size_t>(logp.numel()));
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(
                order.begin(), order.begin() + num_beams, order.end(),
                [&](int64_t a, int64_t c) { return logp.data()[a] > logp.data()[c]; });
            for (int64_t k = 0; k < num_beams; ++k) {
                Beam nb = b;
                nb.ids.push_back(order[static_cast<size_t>(k)]);
                nb.score += logp.data()[order[static_cast<size_t>(k)]];
                nb.done = eos_id && order[static_cast<size_t>(k)] == *eos_id;
                candidates.push_back(std::move(nb));
            }
        }
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Beam& a, const Beam& b) { return a.score > b.score; });
        candidates.resize(std::min<size_t>(candidates.size(), static_cast<size_t>(num_beams)));
        // beams that continue one parent share its decoder: all but the first get a copy
        std::set<const ch04::CachedDecoder*> taken;
        for (Beam& c : candidates)
            if (!c.done && !taken.insert(c.decoder.get()).second)
                c.decoder = std::make_shared<ch04::CachedDecoder>(c.decoder->clone());
        beams = std::move(candidates);
        if (on_step && !on_step(beams[0].ids)) break;
        if (std::all_of(beams.begin(), beams.end(), [](const Beam& b) { return b.done; })) break;
    }
    return IntTensor({1, static_cast<int64_t>(beams[0].ids.size())}, beams[0].ids);
}

}  // namespace llm::ch05
