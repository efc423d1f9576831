// Generation with a KV cache (section 4.7's loop, made incremental): one
// object owns a model's per-block key/value caches and the rule for when
// they must be rebuilt, and every generator (greedy, chapter 5's sampling,
// beam search) asks it for the next-token logits of the text so far.
#pragma once
#include <vector>

#include "gpt_model.hpp"

namespace llm::ch04 {

class CachedDecoder {
public:
    // The window is the last min(context_size, the model's context) tokens,
    // what generate_text_simple feeds the model.
    CachedDecoder(GPTModel& model, int64_t context_size);

    // Logits [B, vocab] for the token after `ids` ([B, T], the whole text so
    // far, each call extending the previous one): only the tokens not yet in
    // the caches are fed. When the text outgrows the window, positions shift,
    // so the caches are rebuilt on the last `window` tokens; the logits are
    // then exactly generate_text_simple's.
    Tensor next_logits(const IntTensor& ids);

    // A decoder with its own copy of the caches, for a text that continues
    // differently (a new beam).
    CachedDecoder clone() const;

    int64_t window() const { return window_; }

private:
    GPTModel* model_;
    int64_t window_;
    std::vector<ch03::KVCache> caches_;
    int64_t fed_ = 0;  // how many tokens of the text the caches hold
};

}  // namespace llm::ch04
