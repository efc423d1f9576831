// Section 7.7, fast tier: the test set's responses generated together.
// Every sequence keeps its own KV cache (its own length, its own positions),
// and the sequences still running share each step's products: their new
// tokens are stacked into one [n, emb] matrix for every Linear of every
// block and for the output head, so the weights are read once per step for
// all of them instead of once per sequence. Attention alone runs per
// sequence, against its own cache. No padding is needed, so no mask either;
// each sequence stops at its own end-of-text token.
// The tokens equal generate_response's, one sequence at a time (a test).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "gpt_model.hpp"

namespace llm::ch07 {

// Greedy continuations of every prompt (token ids), up to max_new_tokens,
// stopping at eos_id (not included), at most batch_size sequences at a time.
// A prompt that would outgrow the context (prompt + max_new_tokens >
// context_length) slides its window as the book's generate does, so it is
// generated alone by the reference path. on_done(i) is called as each
// sequence finishes (for a progress line).
std::vector<std::vector<int64_t>> generate_greedy_batched(
    ch04::GPTModel& model, const std::vector<std::vector<int64_t>>& prompts, int64_t max_new_tokens,
    int64_t eos_id = 50256, int64_t batch_size = 16,
    const std::function<void(size_t)>& on_done = nullptr);

}  // namespace llm::ch07
