// Chapter 2 exercises: implement these in your copy of solution.cpp
// (./book exercise ch02 creates ch02/exercises/mine/solution.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace llm::ch02::exercises {

// Exercise 2.1: encode `text` with the GPT-2 tokenizer, then decode every
// id on its own. Return the pieces (their concatenation is the text).
std::vector<std::string> bpe_pieces(const std::string& text);

// Exercise 2.2: a data loader over `text` with other settings (no shuffling,
// drop_last). Return the number of batches and the first batch's input rows.
struct LoaderSummary {
    int64_t num_batches = 0;
    std::vector<std::vector<int64_t>> first_inputs;
};
LoaderSummary loader_summary(const std::string& text, int64_t batch_size, int64_t max_length,
                             int64_t stride);

}  // namespace llm::ch02::exercises
