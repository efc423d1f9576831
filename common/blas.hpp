// The one matrix product everything goes through (CBLAS), and the
// matrix-vector product of batch-1 generation.
#pragma once
#include <cstdint>

namespace llm {

// Row-major C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C: our packed
// sgemm (packed_sgemm.hpp) where it is in use, else OpenBLAS's CBLAS.
// op(X) is X or X^T as the flags say; lda/ldb/ldc are row strides.
// Sizes are int64_t as everywhere else; the narrowing to CBLAS's int is
// checked once, here (ValueError when a size does not fit).
void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// Our packed AVX-512 sgemm for llm::sgemm or OpenBLAS (false). On by default
// where the build targets AVX-512 and OpenBLAS runs 256-bit kernels; returns
// false when asked for the packed one on a build without AVX-512.
bool use_packed_sgemm(bool on);
bool packed_sgemm_in_use();

// y[M] = alpha * A[M, N] @ x[N] + beta * y (row-major A with row stride lda):
// the matrix-vector product of batch-1 generation, bound by memory bandwidth.
// Ours (streaming_sgemv.hpp) unless switched off, else OpenBLAS's.
void sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
           float beta, float* y);
bool use_streaming_sgemv(bool on);  // returns the previous setting

// Floating-point operations done by sgemm and sgemv since the program started
// (2 per multiply-add): what the benchmarks divide by time to report how
// close the products of a step come to the machine's limits.
double blas_flops();

}  // namespace llm
