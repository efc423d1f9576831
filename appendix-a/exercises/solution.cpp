// Our solutions to the appendix A exercises.
#include <cstddef>

#include "exercises.hpp"

namespace llm::appendix_a::exercises {

int64_t count_parameters(int64_t in, int64_t out) {
    // each Linear(a, b) has a*b weights and b biases
    return (in * 30 + 30) + (30 * 20 + 20) + (20 * out + out);
}

std::vector<float> naive_matmul(const std::vector<float>& A, const std::vector<float>& B, int64_t M,
                                int64_t K, int64_t N) {
    std::vector<float> C(static_cast<size_t>(M * N), 0.0f);
    for (int64_t i = 0; i < M; ++i)
        for (int64_t k = 0; k < K; ++k)  // i-k-j order walks B and C row by row
            for (int64_t j = 0; j < N; ++j) C[i * N + j] += A[i * K + k] * B[k * N + j];
    return C;
}

}  // namespace llm::appendix_a::exercises
