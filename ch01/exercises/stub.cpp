// Your solutions to the chapter 1 exercises. Replace each body, then run
//   ./book exercise ch01
// to see which exercises pass. The hints are in ch01/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"

namespace llm::ch01::exercises {

std::string trigram_next(const std::vector<std::string>& words, const std::string& w1,
                         const std::string& w2) {
    (void)words;
    (void)w1;
    (void)w2;
    throw std::logic_error("exercise 1.1 not attempted yet");
}

}  // namespace llm::ch01::exercises
