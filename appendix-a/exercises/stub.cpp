// Your solutions to the appendix A exercises. Replace each body, then run
//   ./book exercise appendix-a
// The hints are in appendix-a/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"

namespace llm::appendix_a::exercises {

int64_t count_parameters(int64_t num_inputs, int64_t num_outputs) {
    (void)num_inputs;
    (void)num_outputs;
    throw std::logic_error("exercise A.3 not attempted yet");
}

std::vector<float> naive_matmul(const std::vector<float>& A, const std::vector<float>& B, int64_t M,
                                int64_t K, int64_t N) {
    (void)A;
    (void)B;
    (void)M;
    (void)K;
    (void)N;
    throw std::logic_error("exercise A.4 not attempted yet");
}

}  // namespace llm::appendix_a::exercises
