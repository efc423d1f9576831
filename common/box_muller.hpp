// The Box-Muller step of PyTorch's vectorised randn (normal_fill_16), with
// the float logarithm and sine/cosine it uses, so that randn of 16 or more
// elements gives PyTorch's floats bit for bit.
#pragma once

namespace llm {

// Cephes-style single-precision log and sincos, as PyTorch's AVX2 kernel
// computes them (ATen's avx_mathfun.h), including where its compiled code
// fuses a multiply and an add.
float cephes_logf(float x);
void cephes_sincosf(float x, float& sin_x, float& cos_x);

// 16 uniforms in [0, 1) -> 16 normals: data[j] and data[j + 8] from the pair
// u1 = 1 - data[j], u2 = data[j + 8], for j < 8.
void normal_fill_16(float* data, float mean, float stdv);

}  // namespace llm
