// Compiled with -ffp-contract=off (common/meson.build): every fused
// multiply-add below is written as std::fma where PyTorch's compiled kernel
// has one, and nowhere else, so the compiler cannot round differently.
//
// Which operations are fused was established against Debian's PyTorch 1.13
// on 1,048,576 normals (64 seeds x randn(16384)): with these choices every
// float is identical; with plain libm logf/cosf/sinf, 17% of them differ in
// the last bits. See notes/tools/make_torch_rng_sets.py.
#include "box_muller.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numbers>

namespace llm {

float cephes_logf(float x) {
    // x = m * 2^e with m in [0.5, 1); keep m in [sqrt(1/2), sqrt(2)) by
    // doubling small mantissas, then log(x) = log1p(m - 1) + e * log(2).
    const uint32_t bits = std::bit_cast<uint32_t>(x);
    float e = static_cast<float>(static_cast<int>(bits >> 23) - 0x7f) + 1.0f;
    float m = std::bit_cast<float>((bits & ~0x7f800000u) | std::bit_cast<uint32_t>(0.5f));
    const bool small = m < 0.707106781186547524f;
    const float keep = small ? m : 0.0f;
    m = m - 1.0f;
    if (small) e = e - 1.0f;
    m = m + keep;
    const float z = m * m;
    // log1p(m) ~ m - m^2/2 + m^3 P(m), P of degree 8 (Cephes' coefficients)
    float y = 7.0376836292e-2f;
    for (const float c : {-1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f, 1.4249322787e-1f,
                          -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f})
        y = std::fma(y, m, c);
    y = y * m;
    // log(2) is split in two parts (0.693359375 exactly, and the remainder)
    y = std::fma(y, z, e * -2.12194440e-4f);
    y = std::fma(-z, 0.5f, y);
    return std::fma(e, 0.693359375f, m + y);
}

void cephes_sincosf(float x, float& sin_x, float& cos_x) {
    bool sin_negative = std::signbit(x);
    x = std::fabs(x);
    // the octant j (made even) of x, and x reduced to [-pi/4, pi/4] by
    // subtracting j * pi/4 in three parts
    int j = static_cast<int>(x * 1.27323954473516f);  // 4 / pi
    j = (j + 1) & ~1;
    const float y = static_cast<float>(j);
    if (j & 4) sin_negative = !sin_negative;
    const bool cos_negative = ((j - 2) & 4) == 0;
    const bool sin_from_sine_poly = (j & 2) == 0;
    x = std::fma(y, -0.78515625f, x);
    x = x + y * -2.4187564849853515625e-4f;
    x = x + y * -3.77489497744594108e-8f;
    const float z = x * x;
    // cosine polynomial: 1 - z/2 + z^2 Q(z)
    float c = 2.443315711809948e-5f;
    c = std::fma(c, z, -1.388731625493765e-3f);
    c = std::fma(c, z, 4.166664568298827e-2f);
    c = c * z;
    c = std::fma(c, z, -(z * 0.5f));
    c = c + 1.0f;
    // sine polynomial: x + x z S(z)
    float s = -1.9515295891e-4f;
    s = std::fma(s, z, 8.3321608736e-3f);
    s = std::fma(s, z, -1.6666654611e-1f);
    s = s * z;
    s = std::fma(s, x, x);
    const float sv = sin_from_sine_poly ? s : c, cv = sin_from_sine_poly ? c : s;
    sin_x = sin_negative ? -sv : sv;
    cos_x = cos_negative ? -cv : cv;
}

void normal_fill_16(float* data, float mean, float stdv) {
    const float two_pi = static_cast<float>(2.0 * std::numbers::pi);
    for (int j = 0; j < 8; ++j) {
        const float u1 = 1.0f - data[j];
        const float u2 = data[j + 8];
        const float radius = std::sqrt(-2.0f * cephes_logf(u1));
        float sin_theta, cos_theta;
        cephes_sincosf(two_pi * u2, sin_theta, cos_theta);
        data[j] = std::fma(radius * cos_theta, stdv, mean);
        data[j + 8] = std::fma(radius * sin_theta, stdv, mean);
    }
}

}  // namespace llm
