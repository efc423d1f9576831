// Your solutions to the chapter 2 exercises. Replace each body, then run
//   ./book exercise ch02
// The hints are in ch02/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"
#include "gpt_dataset.hpp"  // gpt2_tokenizer(), create_dataloader_v1

namespace llm::ch02::exercises {

std::vector<std::string> bpe_pieces(const std::string& text) {
    (void)text;
    throw std::logic_error("exercise 2.1 not attempted yet");
}

LoaderSummary loader_summary(const std::string& text, int64_t batch_size, int64_t max_length,
                             int64_t stride) {
    (void)text;
    (void)batch_size;
    (void)max_length;
    (void)stride;
    throw std::logic_error("exercise 2.2 not attempted yet");
}

}  // namespace llm::ch02::exercises
