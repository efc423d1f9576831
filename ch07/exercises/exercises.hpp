// Chapter 7 exercises: implement these in your copy of solution.cpp
// (./book exercise ch07 creates ch07/exercises/mine/solution.cpp).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "gpt_model.hpp"
#include "instruction_data.hpp"
#include "instruction_finetuning.hpp"

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

// Exercise 7.3: the chapter's pipeline on any JSON of the same form (the
// original Alpaca data's 52,002 entries, say): read it, split it 85/10/5 in
// file order, and build the loaders with the batch size and the cut
// (allowed_max_length) the book's solution uses for the larger data (4, 512).
InstructionLoaders alpaca_loaders(const std::filesystem::path& json, int64_t batch_size = 4,
                                  int64_t allowed_max_length = 512);

// Exercise 7.4: prepare a model for LoRA finetuning as appendix E does:
// freeze every parameter, then replace every Linear with a LinearWithLoRA of
// this rank and alpha. Returns the number of trainable parameters left.
int64_t prepare_lora_finetuning(ch04::GPTModel& model, int64_t rank = 16, double alpha = 16);

}  // namespace llm::ch07::exercises
