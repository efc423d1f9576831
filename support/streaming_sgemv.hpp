// A matrix-vector product of our own for batch-1 generation (fast tier).
// There every weight matrix is read once per token and used for one
// multiply-add per element, so the product is bound by how fast the cores
// stream memory, not by arithmetic. This one reads eight rows at a time with
// one vector accumulator per row (the x vector loaded once for eight
// multiply-adds) and splits the rows between the threads in one parallel
// region: 10-20% faster than OpenBLAS 0.3.21's sgemv on GPT-2's matrices here
// (notes/performance.md, "KV generation").
#pragma once
#include <cstdint>

namespace llm {

// y[M] = alpha * A[M, N] @ x[N] + beta * y (row-major A, row stride lda), as
// CBLAS's sgemv with no transpose; beta = 0 never reads y.
void streaming_sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
                     float beta, float* y);

}  // namespace llm
