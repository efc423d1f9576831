// Section 5.1.1: between text and the model's [1, T] id tensors.
#pragma once
#include <string>
#include <utility>

#include "gpt2_bpe.hpp"
#include "tensor.hpp"

namespace llm::ch05 {

IntTensor text_to_token_ids(const std::string& text,
                            const ch02::GPT2Tokenizer& tokenizer);  // [1, T]
std::string token_ids_to_text(const IntTensor& ids,
                              const ch02::GPT2Tokenizer& tokenizer);  // first row

// Section 5.1.3's split: train_data = text[:split_idx], val_data = text[split_idx:]
// with split_idx = int(train_ratio * len(text)), counted in characters as Python does.
std::pair<std::string, std::string> split_text(const std::string& text, double train_ratio);

}  // namespace llm::ch05
