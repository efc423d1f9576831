// One vector register of floats, the widest the build targets: AVX-512's zmm
// (16 floats) where the compiler targets AVX-512, else AVX2's ymm (8). Memory-
// bound loops load one register's width at a time: in an AVX2 build a 16-float
// vector is two ymm loads, which read memory slower here and, in eight-row
// accumulators, spill out of AVX2's 16 registers.
#pragma once
#include <cstdint>

namespace llm {

#ifdef __AVX512F__
constexpr int64_t kRegisterFloats = 16;
#else
constexpr int64_t kRegisterFloats = 8;
#endif
typedef float register_vec __attribute__((vector_size(4 * kRegisterFloats)));

}  // namespace llm
