// Your solutions to the chapter 3 exercises. Replace each body, then run
//   ./book exercise ch03
// The hints are in ch03/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"

namespace llm::ch03::exercises {

void copy_v2_weights_into_v1(const SelfAttention_v2& v2, SelfAttention_v1& v1) {
    (void)v2;
    (void)v1;
    throw std::logic_error("exercise 3.1 not attempted yet");
}

std::shared_ptr<MultiHeadAttentionWrapper> two_dimensional_wrapper() {
    throw std::logic_error("exercise 3.2 not attempted yet");
}

std::shared_ptr<MultiHeadAttention> gpt2_size_attention() {
    throw std::logic_error("exercise 3.3 not attempted yet");
}

}  // namespace llm::ch03::exercises
