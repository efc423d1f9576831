// A.2.3 through xtensor-blas: the book's `tensor2d @ tensor2d.T` written with
// xt::linalg::dot on xtensor views of our buffers, the interface a C++ reader
// would reach for first. Our own matmul (common/ops_matmul.cpp) calls CBLAS
// directly instead, for the reasons in notes/architecture.md.
#pragma once
#include "tensor.hpp"

namespace llm::appendix_a {

// a [M, K] @ b [K, N] with xt::linalg::dot; no autograd.
Tensor matmul_with_xtensor_blas(const Tensor& a, const Tensor& b);

}  // namespace llm::appendix_a
