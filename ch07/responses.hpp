// Section 7.7: the finetuned model's answers. The prompt (format_input of a
// test entry) is continued greedily until the end-of-text token or
// max_new_tokens; the answer is what follows the prompt, without the
// "### Response:" marker and surrounding whitespace.
#pragma once
#include <cstdint>
#include <string>

#include "gpt_model.hpp"

namespace llm::ch07 {

// The book's extraction: generated_text[len(input_text):] with
// "### Response:" removed, then strip(). (Python's len counts characters,
// ours bytes: the same cut, since generated_text starts with input_text.)
// Other prompt styles have their own marker (response_marker).
std::string extract_response(const std::string& generated_text, const std::string& input_text,
                             const std::string& marker = "### Response:");

struct Generated {
    std::vector<int64_t> new_ids;  // without the eos token, as the book's generate
    bool stopped_at_eos = false;
    std::string generated_text;  // token_ids_to_text of prompt + new ids
    std::string response_text;  // extract_response of it
};
// generate(model, text_to_token_ids(input_text), max_new_tokens, context_size, eos_id), greedy.
Generated generate_response(ch04::GPTModel& model, const std::string& input_text,
                            int64_t max_new_tokens = 256, int64_t eos_id = 50256,
                            const std::string& marker = "### Response:");

}  // namespace llm::ch07
