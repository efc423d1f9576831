// Chapter 7 exercises: implement these in your copy of solution.cpp
// (./book exercise ch07 creates ch07/exercises/mine/solution.cpp).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "instruction_data.hpp"

namespace llm::ch07::exercises {

// Exercise 7.1: the text InstructionDataset would tokenize for entry in the
// Phi-3 prompt style: "<|user|>\n" + instruction (+ "\n" + input), then
// "\n<|assistant|>:\n" + output.
std::string phi3_full_text(const Entry& entry);

// Exercise 7.2: custom_collate_fn, but also mask the prompt: in each targets
// row, the first instruction_lengths[i] - 1 positions (the targets that
// predict the prompt's own tokens) become ignore_index, so only the response
// (and the end-of-text token) is learned. Masking happens before truncation.
InstructionDataset::Batch collate_masking_instructions(
    const std::vector<std::vector<int64_t>>& batch, const std::vector<int64_t>& instruction_lengths,
    int64_t pad_token_id = 50256, int64_t ignore_index = -100,
    std::optional<int64_t> allowed_max_length = {});

}  // namespace llm::ch07::exercises
