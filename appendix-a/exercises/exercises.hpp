// Appendix A exercises: implement these in your copy of solution.cpp
// (./book exercise appendix-a creates appendix-a/exercises/mine/solution.cpp).
#pragma once
#include <cstdint>
#include <vector>

namespace llm::appendix_a::exercises {

// Exercise A.3: the number of trainable parameters of NeuralNetwork(num_inputs,
// num_outputs), worked out from the layer sizes (not by building the model).
int64_t count_parameters(int64_t num_inputs, int64_t num_outputs);

// Exercise A.4: matrix multiplication without BLAS. A is [M, K], B is [K, N],
// both row-major; return C = A @ B, [M, N] row-major.
std::vector<float> naive_matmul(const std::vector<float>& A, const std::vector<float>& B, int64_t M,
                                int64_t K, int64_t N);

}  // namespace llm::appendix_a::exercises
