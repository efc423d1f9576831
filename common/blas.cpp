#include "blas.hpp"

#include <cblas.h>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <unistd.h>

#include "error.hpp"

extern "C" char* openblas_get_corename(void);

namespace llm {

namespace {

// 0: pre-AVX kernels (the generic fallbacks), 1: AVX, 2: AVX2+FMA, 3: AVX-512.
int core_rank(std::string_view name) {
    for (auto n : {"SkylakeX", "Cooperlake", "SapphireRapids"})
        if (name == n) return 3;
    for (auto n : {"Haswell", "Zen", "Excavator", "Steamroller"})
        if (name == n) return 2;
    for (auto n : {"SandyBridge", "Bulldozer", "Piledriver"})
        if (name == n) return 1;
    return 0;
}

int cpu_rank() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return 3;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
    if (__builtin_cpu_supports("avx")) return 1;
    return 0;
}

}  // namespace

std::string blas_core_name() { return openblas_get_corename(); }

std::string best_core_for_cpu() {
    switch (cpu_rank()) {
        case 3: return "SkylakeX";
        case 2: return "Haswell";
        case 1: return "SandyBridge";
        default: return blas_core_name();
    }
}

void blas_startup(int /*argc*/, char** argv) {
    const char* user = std::getenv("OPENBLAS_CORETYPE");
    if (user && *user) return;  // the user's choice wins
    if (std::getenv("LLM_OPENBLAS_RESTARTED")) return;  // never loop
    const std::string core = blas_core_name();
    if (core_rank(core) >= cpu_rank()) return;  // OpenBLAS already picked well
    const std::string best = best_core_for_cpu();
    std::fprintf(
        stderr,
        "openblas: '%s' is a generic fallback on this CPU; restarting with OPENBLAS_CORETYPE=%s\n",
        core.c_str(), best.c_str());
    std::fflush(stderr);
    setenv("OPENBLAS_CORETYPE", best.c_str(), 1);
    setenv("LLM_OPENBLAS_RESTARTED", "1", 1);
    execv("/proc/self/exe", argv);
    std::fprintf(stderr, "openblas: restart failed; continuing on the slow core '%s'\n",
                 core.c_str());
}

namespace {
// CBLAS takes int sizes: the one place our int64_t sizes narrow.
int blas_int(int64_t v) {
    if (v < 0 || v > std::numeric_limits<int>::max())
        throw ValueError("BLAS: size or stride " + std::to_string(v) +
                         " does not fit the library's int");
    return static_cast<int>(v);
}
}  // namespace

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, blas_int(M), blas_int(N), blas_int(K), alpha,
                A, blas_int(lda), B, blas_int(ldb), beta, C, blas_int(ldc));
}

void sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
           float beta, float* y) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, blas_int(M), blas_int(N), alpha, A, blas_int(lda), x,
                1, beta, y, 1);
}

}  // namespace llm
