// exp and tanh over whole arrays, vectorised by SLEEF (a precompiled
// library: unlike header-only vector math it costs the -O1 sanitizer build
// nothing). 16 floats per call with AVX-512, 8 with AVX2; every element,
// the tail included, goes through the same function, so a value recomputed
// in backward equals the forward's. Accuracy 1 ulp (SLEEF's u10 functions).
#pragma once
#include <cstdint>

namespace llm {

void exp_of(const float* x, float* y, int64_t n);  // y = exp(x); y may be x
void tanh_of(const float* x, float* y, int64_t n);  // y = tanh(x); y may be x

}  // namespace llm
