#include "streaming_sgemv.hpp"

#include "vector_register.hpp"

#include <algorithm>
#include <cstring>
#include <omp.h>

namespace llm {

namespace {

// One vector register of floats (vector_register.hpp): 16 with AVX-512, 8 with AVX2.
constexpr int64_t W = kRegisterFloats;
typedef register_vec vec;
constexpr int64_t R = 8;  // rows per pass: eight accumulators, x loaded once for eight rows
// Where the eight rows come from. With AVX2's ymm registers (8 floats per load), G = 4
// far-apart ranges of a chunk's rows, Q = 2 adjacent rows from each: more independent
// streams in flight than eight adjacent rows give, 10-15% faster over GPT-2's matrices on
// the AVX2 machine kind; with AVX-512's zmm, eight adjacent rows measured faster (the
// far-apart forms 50-55 GB/s against 57-61), so G = 1 there (notes/performance.md).
#ifdef __AVX512F__
constexpr int64_t G = 1;
#else
constexpr int64_t G = 4;
#endif
constexpr int64_t Q = R / G;

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

// One row's dot product with x: the vector part, then the tail.
inline float finish(vec acc, const float* a, const float* x, int64_t NW, int64_t N) {
    float dot = sum_lanes(acc);
    for (int64_t i = NW; i < N; ++i) dot += a[i] * x[i];
    return dot;
}

// Rows [r0, r1) of y: G ranges of `span` rows each, Q rows of each range per pass
// (R rows side by side: [R, N] . x), then the fewer than R rows left, one at a time.
void rows(int64_t r0, int64_t r1, int64_t N, float alpha, const float* A, int64_t lda,
          const float* x, float beta, float* y) {
    const int64_t NW = N / W * W, span = (r1 - r0) / R * Q;
    for (int64_t j = 0; j < span; j += Q) {
        int64_t r[R];  // accumulator k = g * Q + q takes row r0 + g * span + j + q
        const float* row[R];
        for (int64_t k = 0; k < R; ++k) {
            r[k] = r0 + k / Q * span + j + k % Q;
            row[k] = A + r[k] * lda;
        }
        vec acc[R] = {};
        // With eight adjacent rows (G = 1), touch a line of the next eight every R * W floats
        // while reading these: it starts the hardware's streams on them early (7-10% faster
        // over GPT-2's matrices with AVX-512; touching every line, or rows further ahead,
        // gained less). Far-apart ranges (G > 1) continue streams already running.
        const float* next = G == 1 && j + 2 * Q <= span ? row[0] + R * lda : nullptr;
        for (int64_t i = 0; i < NW; i += W) {
            const vec xv = load(x + i);
#pragma GCC unroll 8
            for (int64_t k = 0; k < R; ++k) acc[k] += load(row[k] + i) * xv;
            if (next) __builtin_prefetch(next + i * R);
        }
        for (int64_t k = 0; k < R; ++k)
            store(y + r[k], finish(acc[k], row[k], x, NW, N), alpha, beta);
    }
    for (int64_t r = r0 + G * span; r < r1; ++r) {  // the last rows, one at a time
        vec acc = {};
        for (int64_t i = 0; i < NW; i += W) acc += load(A + r * lda + i) * load(x + i);
        store(y + r, finish(acc, A + r * lda, x, NW, N), alpha, beta);
    }
}

}  // namespace

void streaming_sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
                     float beta, float* y) {
    // The threads take chunks of 192 rows as they come free (a vCPU of this machine kind is
    // at times slower than the other: equal shares left the faster one waiting, 8-10% of
    // its time in batch-1 generation); a small matrix (under 64 KB) is not worth waking
    // them for.
    constexpr int64_t chunk = 24 * R;
    const bool parallel = M * N >= (int64_t{1} << 14) && M >= 2 * R;
    const int64_t chunks = (M + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
    for (int64_t c = 0; c < chunks; ++c)
        rows(c * chunk, std::min(M, (c + 1) * chunk), N, alpha, A, lda, x, beta, y);
}

}  // namespace llm
