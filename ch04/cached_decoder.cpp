#include "cached_decoder.hpp"

#include <algorithm>

#include "error.hpp"
#include "generate.hpp"

namespace llm::ch04 {

CachedDecoder::CachedDecoder(GPTModel& model, int64_t context_size)
    : model_(&model), window_(std::min(context_size, model.cfg.context_length)) {
    if (context_size <= 0) throw ValueError("CachedDecoder: context_size must be positive");
}

Tensor CachedDecoder::next_logits(const IntTensor& ids) {
    if (ids.shape.size() != 2 || ids.shape[1] == 0)
        throw ValueError("CachedDecoder: the text must be [batch, tokens] with at least one token");
    const int64_t T = ids.shape[1];
    const int64_t cached = caches_.empty() ? 0 : caches_[0].length;
    IntTensor pending;
    if (cached == 0 || T < fed_ || cached + (T - fed_) > window_) {  // (re)start on the window
        for (auto& c : caches_) c.reset();
        pending = crop_last(ids, window_);
    } else {  // the new tokens only: [B, fed_ .. T)
        const int64_t B = ids.shape[0], n = T - fed_;
        std::vector<int64_t> p;
        for (int64_t b = 0; b < B; ++b)
            p.insert(p.end(), ids.data.begin() + b * T + fed_, ids.data.begin() + (b + 1) * T);
        pending = IntTensor({B, n}, std::move(p));
    }
    fed_ = T;
    return model_->forward_cached(pending, caches_);
}

CachedDecoder CachedDecoder::clone() const {
    CachedDecoder d(*model_, window_);
    d.fed_ = fed_;
    for (const auto& c : caches_) {
        ch03::KVCache copy;
        copy.length = c.length;
        if (c.keys.defined()) {
            copy.keys = c.keys.clone().detach();
            copy.values = c.values.clone().detach();
        }
        d.caches_.push_back(std::move(copy));
    }
    return d;
}

}  // namespace llm::ch04
