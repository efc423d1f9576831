// Section 4.7: generating text (listing 4.8), and the same with a KV cache.
#pragma once
#include "gpt_model.hpp"

namespace llm::ch04 {

// Greedy decoding: crop the ids to the last context_size tokens, run the
// model, take the most likely next token, append, repeat. idx: [B, T].
IntTensor generate_text_simple(GPTModel& model, const IntTensor& idx, int64_t max_new_tokens,
                               int64_t context_size);

// The same tokens, computed with per-block key/value caches: the prompt
// is processed once, then one new token per step. When the text outgrows
// context_size the window must slide (positions shift), so the caches are
// rebuilt on the cropped window, exactly as the simple version crops.
IntTensor generate_text_cached(GPTModel& model, const IntTensor& idx, int64_t max_new_tokens,
                               int64_t context_size);

// The last `n` ids of each row: [B, T] -> [B, min(n, T)].
IntTensor crop_last(const IntTensor& idx, int64_t n);
// Appends one id per row: [B, T] + [B] -> [B, T + 1].
IntTensor append_column(const IntTensor& idx, const std::vector<int64_t>& next);

}  // namespace llm::ch04
