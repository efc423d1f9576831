// Your solutions to the chapter 4 exercises. Replace each body, then run
//   ./book exercise ch04
// The hints are in ch04/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"

namespace llm::ch04::exercises {

std::pair<int64_t, int64_t> feed_forward_and_attention_parameters(const GPTConfig& cfg) {
    (void)cfg;
    throw std::logic_error("exercise 4.1 not attempted yet");
}

GPTConfig larger_gpt2_config(const std::string& size) {
    (void)size;
    throw std::logic_error("exercise 4.2 not attempted yet");
}

double megabytes(int64_t num_parameters) {
    (void)num_parameters;
    throw std::logic_error("exercise 4.2 not attempted yet");
}

std::shared_ptr<GPTModel> model_with_separate_dropout(const GPTConfig& cfg, float drop_rate_emb,
                                                      float drop_rate_shortcut,
                                                      float drop_rate_attn) {
    (void)cfg;
    (void)drop_rate_emb;
    (void)drop_rate_shortcut;
    (void)drop_rate_attn;
    throw std::logic_error("exercise 4.3 not attempted yet");
}

}  // namespace llm::ch04::exercises
