// Your solutions to the chapter 7 exercises. Replace each body, then run
//   ./book exercise ch07
// The hints are in ch07/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"

namespace llm::ch07::exercises {

std::string phi3_full_text(const Entry& entry) {
    (void)entry;
    throw std::logic_error("exercise 7.1 not attempted yet");
}

InstructionDataset::Batch collate_masking_instructions(
    const std::vector<std::vector<int64_t>>& batch, const std::vector<int64_t>& instruction_lengths,
    int64_t pad_token_id, int64_t ignore_index, std::optional<int64_t> allowed_max_length) {
    (void)batch;
    (void)instruction_lengths;
    (void)pad_token_id;
    (void)ignore_index;
    (void)allowed_max_length;
    throw std::logic_error("exercise 7.2 not attempted yet");
}

InstructionLoaders alpaca_loaders(const std::filesystem::path& json, int64_t batch_size,
                                  int64_t allowed_max_length) {
    (void)json;
    (void)batch_size;
    (void)allowed_max_length;
    throw std::logic_error("exercise 7.3 not attempted yet");
}

int64_t prepare_lora_finetuning(ch04::GPTModel& model, int64_t rank, double alpha) {
    (void)model;
    (void)rank;
    (void)alpha;
    throw std::logic_error("exercise 7.4 not attempted yet");
}

}  // namespace llm::ch07::exercises
