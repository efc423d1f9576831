// A packed sgemm of our own, structured as BLIS structures it (fast tier).
// llm::sgemm uses it with the 14 x 32 AVX-512 micro-kernel where the compiler
// targets AVX-512 and OpenBLAS runs its 256-bit kernels (1.6x OpenBLAS 0.3.21
// then); OpenBLAS where it runs its own AVX-512 kernels (13% faster than
// ours) or the CPU has only AVX2 (our AVX2 kernels do not beat OpenBLAS's).
// bench_sgemm_candidates (./book bench sgemm) measures all of them and BLIS;
// notes/performance.md has the figures.
#pragma once
#include <cstdint>

namespace llm {

// The micro-kernels: rows x columns of C held in vector registers.
// 6 x 16 needs 12 of AVX2's 16 ymm registers; 8 x 24 needs 24 ymm, which only
// AVX-512 gives (with 16 it would spill); 14 x 32 and 8 x 48 hold 28 and 24
// of AVX-512's 32 zmm registers.
enum class MicroKernel { k6x16, k8x24, k14x32, k8x48 };
bool micro_kernel_available(MicroKernel k);

// Row-major C[M,N] = alpha * op(A) @ op(B) + beta * C, as llm::sgemm; beta = 0
// never reads C. Threads split the columns of C (OpenMP).
void packed_sgemm(MicroKernel kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                  float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                  float* C, int64_t ldc);

}  // namespace llm
