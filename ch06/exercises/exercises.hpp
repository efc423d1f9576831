// Chapter 6 exercises: implement these in your copy of solution.cpp
// (./book exercise ch06 creates ch06/exercises/mine/solution.cpp).
#pragma once
#include <filesystem>
#include <memory>

#include "classifier.hpp"
#include "spam_dataset.hpp"

namespace llm::ch06::exercises {

// Exercise 6.1: a dataset of csv_file padded to the longest context the
// model supports (context_length tokens) instead of the longest text.
std::shared_ptr<SpamDataset> pad_to_context(const std::filesystem::path& csv_file,
                                            int64_t context_length);

// Exercise 6.2: after add_classification_head, make every parameter of the
// model trainable (finetune the whole model, not only the last block).
void make_all_trainable(GPTModel& model);

// Exercise 6.3: the logits [b, num_classes] of the *first* output token
// instead of the last.
Tensor first_token_logits(GPTModel& model, const IntTensor& input_batch);

}  // namespace llm::ch06::exercises
