// What the playground shows from inside the model: the attention weights of
// one head over a text (chapter 3's heatmap), the next-token distribution a
// decoding step chose from (chapter 5's decoding strategies), and the loaded
// model's configuration (chapter 4).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gpt_model.hpp"

namespace llm::playground {

// The model the server serves and what to call it on the page.
struct LoadedModel {
    std::unique_ptr<ch04::GPTModel> model;
    std::string source;  // the weights file, or how the model was made
    std::string kind;  // which layout / what the weights are
};
// --weights W: ours (book names: a ch05 checkpoint, a ch07 finetune) or
// HuggingFace's GPT-2. Without W: output/ch05/model.safetensors when it
// exists, else an untrained GPT-2 124M (seed 123), said so on the page.
LoadedModel load_playground_model(const std::filesystem::path& weights);

// Attention weights of block `layer`, head `head` when the model reads `ids`
// (the last context_length of them): softmax(q k^T / sqrt(head_dim)) with the
// causal mask, before dropout. Row i is query i over keys 0..T-1. [T, T]
std::vector<float> attention_map(ch04::GPTModel& model, const std::vector<int64_t>& ids,
                                 int64_t layer, int64_t head);

struct TokenProbability {
    int64_t id;
    float probability;
};
// The k most probable next tokens of softmax(logits / temperature) (greedy
// decoding: temperature 1), most probable first; -inf logits never appear.
std::vector<TokenProbability> top_tokens(const std::vector<float>& logits, float temperature,
                                         int64_t k);

}  // namespace llm::playground
