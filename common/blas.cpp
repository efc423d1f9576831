#include "blas.hpp"

#include <atomic>
#include <cblas.h>
#include <limits>
#include <string>

#include "error.hpp"
#include "../support/packed_sgemm.hpp"  // (a BLAS of our own: support/, as OpenBLAS is outside)
#include "../support/streaming_sgemv.hpp"

namespace llm {

namespace {
// CBLAS takes int sizes: the one place our int64_t sizes narrow.
int blas_int(int64_t v) {
    if (v < 0 || v > std::numeric_limits<int>::max())
        throw ValueError("BLAS: size or stride " + std::to_string(v) +
                         " does not fit the library's int");
    return static_cast<int>(v);
}
std::atomic<double> g_flops{0.0};
void count(double flops) {
    double old = g_flops.load(std::memory_order_relaxed);
    while (!g_flops.compare_exchange_weak(old, old + flops, std::memory_order_relaxed)) {}
}
}  // namespace

double blas_flops() { return g_flops.load(std::memory_order_relaxed); }

extern "C" char* openblas_get_corename(void);

namespace {
// Ours where the build targets AVX-512 and OpenBLAS runs 256-bit kernels
// (its Haswell/Zen cores: chosen by OpenBLAS 0.3.21 for Zen 4, or forced by
// the user's OPENBLAS_CORETYPE); OpenBLAS where it runs its own AVX-512
// kernels (SkylakeX and later: faster still) or the build has no AVX-512.
bool packed_by_default() {
    if (!micro_kernel_available(MicroKernel::k14x32)) return false;
    const std::string core = openblas_get_corename();
    return core != "SkylakeX" && core != "Cooperlake" && core != "SapphireRapids";
}
std::atomic<bool> g_packed{packed_by_default()};
}  // namespace

bool use_packed_sgemm(bool on) {
    if (on && !micro_kernel_available(MicroKernel::k14x32)) return false;
    g_packed = on;
    return true;
}
bool packed_sgemm_in_use() { return g_packed; }

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
    // Ours for the products of a model (both sides at least 32: the packing
    // would cost more than it saves on a few rows), OpenBLAS for the rest.
    if (g_packed && M >= 32 && N >= 32) {
        packed_sgemm(MicroKernel::k14x32, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C,
                     ldc);
        count(2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K));
        return;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, blas_int(M), blas_int(N), blas_int(K), alpha,
                A, blas_int(lda), B, blas_int(ldb), beta, C, blas_int(ldc));
    count(2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K));
}

namespace {
std::atomic<bool> g_streaming{true};  // ours is faster on AVX2 and AVX-512 alike
}  // namespace

bool use_streaming_sgemv(bool on) { return g_streaming.exchange(on); }

void sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
           float beta, float* y) {
    if (g_streaming) {
        streaming_sgemv(M, N, alpha, A, lda, x, beta, y);
        count(2.0 * static_cast<double>(M) * static_cast<double>(N));
        return;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, blas_int(M), blas_int(N), alpha, A, blas_int(lda), x,
                1, beta, y, 1);
    count(2.0 * static_cast<double>(M) * static_cast<double>(N));
}

}  // namespace llm
