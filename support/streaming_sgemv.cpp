#include "streaming_sgemv.hpp"

#include <algorithm>
#include <cstring>
#include <omp.h>

namespace llm {

namespace {

// One vector register of floats: AVX-512's zmm where the build targets it,
// else AVX2's ymm (16-float accumulators would take two ymm each, and eight
// rows of them spill out of AVX2's 16 registers).
#ifdef __AVX512F__
constexpr int64_t W = 16;
#else
constexpr int64_t W = 8;
#endif
typedef float vec __attribute__((vector_size(4 * W)));
constexpr int64_t R = 8;  // rows per pass: eight accumulators, x loaded once for eight rows

inline vec load(const float* p) {
    vec v;
    std::memcpy(&v, p, sizeof v);  // an unaligned load
    return v;
}
inline float sum_lanes(vec v) {
    float s = 0;
    for (int64_t j = 0; j < W; ++j) s += v[j];
    return s;
}

inline void store(float* y, float dot, float alpha, float beta) {
    *y = beta == 0.0f ? alpha * dot : alpha * dot + beta * *y;
}

// Rows [r0, r1) of y.
void rows(int64_t r0, int64_t r1, int64_t N, float alpha, const float* A, int64_t lda,
          const float* x, float beta, float* y) {
    const int64_t NW = N / W * W;
    int64_t r = r0;
    for (; r + R <= r1; r += R) {  // eight rows side by side: [R, N] . x
        vec acc[R] = {};
        // While reading these rows, touch a line of the next eight every R * W floats: it
        // starts the hardware's streams on them early (7-10% faster over GPT-2's matrices
        // here; touching every line of the next rows, or rows further ahead, gained less).
        const float* next = r + 2 * R <= r1 ? A + (r + R) * lda : nullptr;
        for (int64_t i = 0; i < NW; i += W) {
            const vec xv = load(x + i);
#pragma GCC unroll 8
            for (int64_t k = 0; k < R; ++k) acc[k] += load(A + (r + k) * lda + i) * xv;
            if (next) __builtin_prefetch(next + i * R);
        }
        for (int64_t k = 0; k < R; ++k) {
            float dot = sum_lanes(acc[k]);
            for (int64_t i = NW; i < N; ++i) dot += A[(r + k) * lda + i] * x[i];  // the tail
            store(y + r + k, dot, alpha, beta);
        }
    }
    for (; r < r1; ++r) {  // the last rows, one at a time
        vec acc = {};
        for (int64_t i = 0; i < NW; i += W) acc += load(A + r * lda + i) * load(x + i);
        float dot = sum_lanes(acc);
        for (int64_t i = NW; i < N; ++i) dot += A[r * lda + i] * x[i];
        store(y + r, dot, alpha, beta);
    }
}

}  // namespace

void streaming_sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
                     float beta, float* y) {
    // Threads take equal runs of whole eight-row groups; a small matrix (under
    // 64 KB) is not worth waking them for.
    const bool parallel = M * N >= (int64_t{1} << 14) && M >= 2 * R;
#pragma omp parallel if (parallel)
    {
        const int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
        const int64_t per = (M / R + nt - 1) / nt * R;
        const int64_t r0 = std::min(M, t * per), r1 = t == nt - 1 ? M : std::min(M, r0 + per);
        rows(r0, r1, N, alpha, A, lda, x, beta, y);
    }
}

}  // namespace llm
