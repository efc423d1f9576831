// A matrix-vector product of our own for batch-1 generation (fast tier).
// There every weight matrix is read once per token and used for one
// multiply-add per element, so the product is bound by how fast the cores
// stream memory, not by arithmetic. This one reads eight rows at a time with
// one vector accumulator per row (the x vector loaded once for eight
// multiply-adds); with AVX2 the eight come from four far-apart ranges, two
// adjacent rows each (more streams in flight). The threads take chunks of 192
// rows as they come free. On GPT-2's matrices: 15-30% faster than OpenBLAS
// 0.3.21's sgemv with AVX-512, 17-28% with AVX2 (notes/performance.md,
// "Batch-1 generation").
#pragma once
#include <cstdint>

namespace llm {

// y[M] = alpha * A[M, N] @ x[N] + beta * y (row-major A, row stride lda), as
// CBLAS's sgemv with no transpose; beta = 0 never reads y.
void streaming_sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
                     float beta, float* y);

}  // namespace llm
