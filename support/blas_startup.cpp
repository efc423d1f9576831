// The OpenBLAS start-up fix (see blas_startup.hpp).
#include "blas_startup.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unistd.h>

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

}  // namespace llm
