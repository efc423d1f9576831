// Section 7.2's prompt formats. The chapter uses the Alpaca style
// (format_input in instruction_data.hpp); exercise 7.1 tries Phi-3's, and
// Llama-2's chat format puts a system prompt in front. Each style has its
// prompt (what the model is given) and the text that introduces the
// response; InstructionDataset tokenizes prompt + response template + output.
#pragma once
#include <string>

#include "instruction_data.hpp"

namespace llm::ch07 {

// Listing 7.2, the Alpaca prompt: the preamble, "### Instruction:", the
// input (only when there is one), without the response.
std::string format_input(const Entry& entry);
// What InstructionDataset tokenizes: the prompt, then "### Response:" and the output.
std::string full_text(const Entry& entry);

// (enum class PromptStyle { Alpaca, Phi3, Llama2 } is in instruction_data.hpp)
PromptStyle parse_prompt_style(const std::string& name);  // "alpaca", "phi3", "llama2"
const char* prompt_style_name(PromptStyle style);

// Exercise 7.1 (the book's solution): "<|user|>\n" + instruction, then
// "\n" + input when there is one; the response follows "\n<|assistant|>:\n".
std::string format_input_phi(const Entry& entry);

// Llama-2's chat format as Meta's reference code builds one user turn:
// "[INST] <<SYS>>\n" + system prompt + "\n<</SYS>>\n\n" + instruction (and
// "\n" + input) + " [/INST]"; the response follows after one space. (Meta's
// <s> and </s> are tokens of Llama's vocabulary, not text; GPT-2 has
// <|endoftext|> for the end, which the collate appends.)
inline constexpr const char* kLlama2SystemPrompt = "You are a helpful assistant.";
std::string format_input_llama2(const Entry& entry,
                                const std::string& system_prompt = kLlama2SystemPrompt);

// The prompt in the given style, and what comes between it and the response.
std::string format_prompt(const Entry& entry, PromptStyle style);
std::string response_template(PromptStyle style);  // "\n\n### Response:\n", ...
// What extract_response removes from a reply: "### Response:", "<|assistant|>:", "[/INST]".
std::string response_marker(PromptStyle style);
// format_prompt + response_template + output: what finetuning learns.
std::string full_text(const Entry& entry, PromptStyle style);

}  // namespace llm::ch07
