// The playground's requests: JSON bodies read into plain structs, every
// field checked (type, range, length) with a message naming it, before any
// model work. Pure functions: the server answers their errors with 400, and a
// fuzz target feeds them arbitrary bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "instruction_data.hpp"

namespace llm::playground {

struct Limits {
    size_t max_body_bytes = 64 * 1024;  // larger bodies: 413
    size_t max_prompt_bytes = 8000;
    int64_t max_new_tokens = 1000;
    int64_t max_beams = 16;
    int64_t max_top = 50;  // next-token candidates per streamed step
};

// POST /api/generate: the options of `ch05 generate`, and chapter 7's prompt styles.
struct GenerateRequest {
    std::string prompt;
    std::optional<ch07::PromptStyle> style;  // empty: continue the prompt as it is
    std::string input;  // with a style: the entry's optional input
    int64_t max_new_tokens = 25;
    float temperature = 0.0f;  // 0: greedy
    int64_t top_k = 0;  // 0: off
    float top_p = 1.0f;
    float repetition_penalty = 1.0f;
    int64_t beams = 0;  // 0: off (sampling/greedy); n: beam search with n beams
    uint64_t seed = 123;
    int64_t top = 20;  // how many next-token candidates each step reports
};
GenerateRequest parse_generate_request(const std::string& body, const Limits& limits);

// POST /api/tokens: {"text": ...}
std::string parse_text_request(const std::string& body, const Limits& limits);

// POST /api/attention: {"text", "layer", "head"} (ranges checked against the model later)
struct AttentionRequest {
    std::string text;
    int64_t layer = 0, head = 0;
};
AttentionRequest parse_attention_request(const std::string& body, const Limits& limits);

}  // namespace llm::playground
