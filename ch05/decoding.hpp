// Section 5.3: decoding strategies. Turning next-token logits into a choice:
// greedy argmax, temperature scaling, top-k (the book), and top-p (nucleus),
// repetition penalty and beam search (what HuggingFace's generate offers).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "gpt_model.hpp"
#include "random.hpp"

namespace llm::ch05 {

// softmax(logits / temperature) for one row of logits.
std::vector<float> softmax_with_temperature(const std::vector<float>& logits, float temperature);
// Keeps the logits >= the k-th largest; the others become -inf (listing 5.4's step).
std::vector<float> top_k_filter(std::vector<float> logits, int64_t k);
// Keeps the most probable tokens whose probabilities add up to at least p
// (always at least one); the others become -inf.
std::vector<float> top_p_filter(std::vector<float> logits, float p);
// Divides positive logits (multiplies negative ones) of tokens already in
// `seen` by the penalty, so repeats become less likely (penalty > 1).
std::vector<float> apply_repetition_penalty(std::vector<float> logits,
                                            const std::vector<int64_t>& seen, float penalty);

struct GenerateOptions {
    int64_t max_new_tokens = 25;
    int64_t context_size = 256;
    float temperature = 0.0f;  // 0: greedy (argmax)
    std::optional<int64_t> top_k;  // the book's top_k
    std::optional<int64_t> eos_id;  // stop early when this id is produced
    float top_p = 1.0f;  // 1: off
    float repetition_penalty = 1.0f;  // 1: off
    // Called after each new token with the logits it was chosen from (after
    // the penalty and the filters, before temperature); returning false stops
    // the generation there. The playground streams tokens this way.
    std::function<bool(int64_t next, const std::vector<float>& logits)> on_token;
};

// Listing 5.4's generate, with the optional top-p and repetition penalty
// applied after top-k. Sampling draws with multinomial from `gen`.
// idx: [1, T] -> [1, T + new]. Uses the KV cache (same tokens as the simple loop).
IntTensor generate(ch04::GPTModel& model, const IntTensor& idx, const GenerateOptions& opt,
                   Generator& gen = default_generator());

// Beam search: keeps the num_beams sequences with the highest total
// log-probability, extends each by its best tokens every step, and returns
// the best one. Deterministic. idx: [1, T]. on_step sees the best sequence
// after every step (returning false stops).
IntTensor beam_search(ch04::GPTModel& model, const IntTensor& idx, int64_t max_new_tokens,
                      int64_t context_size, int64_t num_beams,
                      std::optional<int64_t> eos_id = std::nullopt,
                      const std::function<bool(const std::vector<int64_t>& best)>& on_step = {});

}  // namespace llm::ch05
