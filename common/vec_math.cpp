#include "vec_math.hpp"

#include <algorithm>
#include <immintrin.h>
#include <sleef.h>

namespace llm {

namespace {

// f over n floats, W at a time; the tail padded to a whole vector.
template <int W, typename Vec, typename Load, typename Store, typename F>
void map(const float* x, float* y, int64_t n, Load load, Store store, F f) {
    int64_t i = 0;
    for (; i + W <= n; i += W) store(y + i, f(load(x + i)));
    if (i == n) return;
    float tail[W] = {};
    std::copy(x + i, x + n, tail);
    store(tail, f(load(tail)));
    std::copy(tail, tail + (n - i), y + i);
}

#if defined(__AVX512F__)
template <typename F>
void map_vec(const float* x, float* y, int64_t n, F f) {
    map<16, __m512>(
        x, y, n, [](const float* p) { return _mm512_loadu_ps(p); },
        [](float* p, __m512 v) { _mm512_storeu_ps(p, v); }, f);
}
#define LLM_SLEEF(name) Sleef_##name##f16_u10avx512f
#elif defined(__AVX2__)
template <typename F>
void map_vec(const float* x, float* y, int64_t n, F f) {
    map<8, __m256>(
        x, y, n, [](const float* p) { return _mm256_loadu_ps(p); },
        [](float* p, __m256 v) { _mm256_storeu_ps(p, v); }, f);
}
#define LLM_SLEEF(name) Sleef_##name##f8_u10avx2
#else
template <typename F>
void map_vec(const float* x, float* y, int64_t n, F f) {
    for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}
#define LLM_SLEEF(name) Sleef_##name##f_u10
#endif

}  // namespace

void exp_of(const float* x, float* y, int64_t n) {
    map_vec(x, y, n, [](auto v) { return LLM_SLEEF(exp)(v); });
}

void tanh_of(const float* x, float* y, int64_t n) {
    map_vec(x, y, n, [](auto v) { return LLM_SLEEF(tanh)(v); });
}

}  // namespace llm
