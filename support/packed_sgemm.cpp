// Packed sgemm: the loops of BLIS around a register-blocked micro-kernel.
//   for jc (NC columns, this thread's share)   B block [KC, NC] packed in NR-wide panels
//     for pc (KC of the shared dimension)
//       for ic (MC rows)                        A block [MC, KC] packed in MR-tall panels
//         for jr, ir: C[MR, NR] += A panel @ B panel   (all in registers)
// The packed panels are read contiguously, one B panel (KC x NR) stays in L1,
// the A block in L2. Partial panels are zero-padded, partial tiles written
// element by element.
#include "packed_sgemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <immintrin.h>
#include <new>
#include <utility>
#include <omp.h>

namespace llm {

namespace {

// W floats in one vector register (8: AVX2's ymm, 16: AVX-512's zmm).
template <int W>
struct Vec {
    typedef float type __attribute__((vector_size(4 * W)));
};
template <int W, size_t... I>
typename Vec<W>::type splat(float x, std::index_sequence<I...>) {
    return typename Vec<W>::type{((void)I, x)...};  // one broadcast instruction
}
constexpr int64_t KC = 256, NC = 3072;

#ifdef __AVX__
// dst[j * ldd + i] = src[i * ld + j] for an 8 x 8 block, in registers.
inline void transpose_8x8(const float* src, int64_t ld, float* dst, int64_t ldd) {
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ld);
    for (int i = 0; i < 8; i += 2) {  // pairs of rows interleaved
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {  // then pairs of pairs: four rows' columns together
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; ++j) {  // then the two halves of the eight rows
        _mm256_storeu_ps(dst + j * ldd, _mm256_permute2f128_ps(u[j], u[j + 4], 0x20));
        _mm256_storeu_ps(dst + (j + 4) * ldd, _mm256_permute2f128_ps(u[j], u[j + 4], 0x31));
    }
}
#endif

// Packs nq rows or columns (q) of kc elements (p) into panels of P, each
// [kc][P], zero-padded: element (q, p) is X[q * q_stride + p * p_stride]
// (op(A)'s rows and op(B)'s columns either run along memory or across it).
template <int64_t P>
void pack_panels(const float* X, int64_t q_stride, int64_t p_stride, int64_t nq, int64_t kc,
                 float* out) {
    for (int64_t q0 = 0; q0 < nq; q0 += P, out += P * kc) {
        const int64_t n = std::min(P, nq - q0);
        const float* panel = X + q0 * q_stride;
        int64_t q_done = 0, p_done = 0;
#ifdef __AVX__
        if (p_stride == 1 && n == P) {  // across memory: 8 x 8 blocks transposed in registers
            p_done = kc / 8 * 8;
            q_done = P / 8 * 8;
            for (int64_t p = 0; p < p_done; p += 8)
                for (int64_t q = 0; q < q_done; q += 8)
                    transpose_8x8(panel + q * q_stride + p, q_stride, out + p * P + q, P);
            for (int64_t q = q_done; q < P; ++q)  // the rows left over, along p
                for (int64_t p = 0; p < p_done; ++p) out[p * P + q] = panel[q * q_stride + p];
        }
#endif
        for (int64_t p = p_done; p < kc; ++p) {
            const float* src = panel + p * p_stride;
            if (n == P)  // a fixed-size loop: the compiler unrolls it
                for (int64_t q = 0; q < P; ++q) out[p * P + q] = src[q * q_stride];
            else
                for (int64_t q = 0; q < P; ++q) out[p * P + q] = q < n ? src[q * q_stride] : 0.0f;
        }
        (void)q_done;
    }
}

// C[mr, nr] = alpha * (A panel @ B panel) + beta * C; NV vectors of W per row.
template <int W, int MR, int NV>
void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* c,
                  int64_t ldc, float alpha, float beta, int64_t mr, int64_t nr) {
    using v = typename Vec<W>::type;
    constexpr int NR = W * NV;
    v acc[MR][NV] = {};
    for (int64_t p = 0; p < kc; ++p, a += MR, b += NR) {
        v bv[NV];
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) bv[j] = *reinterpret_cast<const v*>(b + W * j);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const v ai = splat<W>(a[i], std::make_index_sequence<W>{});
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) acc[i][j] += ai * bv[j];
        }
    }
    if (mr == MR && nr == NR) {  // C's rows are not aligned: memcpy is an unaligned load/store
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j) {
                float* cij = c + i * ldc + W * j;
                v out = alpha * acc[i][j];
                if (beta != 0.0f) {
                    v old;
                    std::memcpy(&old, cij, sizeof old);
                    out += beta * old;
                }
                std::memcpy(cij, &out, sizeof out);
            }
        return;
    }
    alignas(64) float tile[MR][NR];
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NV; ++j) *reinterpret_cast<v*>(&tile[i][W * j]) = acc[i][j];
    for (int64_t i = 0; i < mr; ++i)
        for (int64_t j = 0; j < nr; ++j) {
            float& out = c[i * ldc + j];
            out = beta == 0.0f ? alpha * tile[i][j] : alpha * tile[i][j] + beta * out;
        }
}

// Each thread's packing buffers, kept between calls (a training step makes
// hundreds of products; allocating megabytes each time would fault in fresh pages).
float* thread_buffer(int which, int64_t floats) {
    struct Buffer {
        float* p = nullptr;
        int64_t size = 0;
        ~Buffer() { std::free(p); }
    };
    thread_local Buffer buffers[2];
    Buffer& b = buffers[which];
    if (b.size < floats) {
        std::free(b.p);
        b.size = (floats + 15) / 16 * 16;
        b.p = static_cast<float*>(
            std::aligned_alloc(64, static_cast<size_t>(b.size) * sizeof(float)));
        if (!b.p) throw std::bad_alloc();
    }
    return b.p;
}

template <int W, int MR, int NV>
void packed(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
            int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
    constexpr int64_t NR = W * NV, MC = MR * (W == 8 ? 20 : 10);
    if (K == 0) {  // no products: C = beta * C
        for (int64_t i = 0; i < M; ++i)
            for (int64_t j = 0; j < N; ++j)
                C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
        return;
    }
    // threads only for products worth waking them for (about 1 MFLOP and up)
#pragma omp parallel if (M * N * K > (1 << 19))
    {
        const int64_t t = omp_get_thread_num(), T = omp_get_num_threads();
        const int64_t panels = (N + NR - 1) / NR;  // this thread's share of C's columns
        const int64_t j_begin = std::min(N, panels * t / T * NR);
        const int64_t j_end = std::min(N, panels * (t + 1) / T * NR);
        const int64_t kc_max = std::min(KC, K);
        float* bp = thread_buffer(0, kc_max * (std::min(NC, j_end - j_begin) + NR));
        float* ap = thread_buffer(1, kc_max * (std::min(MC, M) + MR));
        for (int64_t jc = j_begin; jc < j_end; jc += NC) {
            const int64_t nc = std::min(NC, j_end - jc);
            for (int64_t pc = 0; pc < K; pc += KC) {
                const int64_t kc = std::min(KC, K - pc);
                const float beta_here = pc == 0 ? beta : 1.0f;  // later blocks add to C
                // op(B)[pc:pc+kc, jc:jc+nc] in NR-wide panels
                pack_panels<NR>(tb ? B + jc * ldb + pc : B + pc * ldb + jc, tb ? ldb : 1,
                                tb ? 1 : ldb, nc, kc, bp);
                for (int64_t ic = 0; ic < M; ic += MC) {
                    const int64_t mc = std::min(MC, M - ic);
                    // op(A)[ic:ic+mc, pc:pc+kc] in MR-tall panels
                    pack_panels<MR>(ta ? A + pc * lda + ic : A + ic * lda + pc, ta ? 1 : lda,
                                    ta ? lda : 1, mc, kc, ap);
                    for (int64_t jr = 0; jr < nc; jr += NR)
                        for (int64_t ir = 0; ir < mc; ir += MR)
                            micro_kernel<W, MR, NV>(kc, ap + ir * kc, bp + jr * kc,
                                                    C + (ic + ir) * ldc + jc + jr, ldc, alpha,
                                                    beta_here, std::min(int64_t{MR}, mc - ir),
                                                    std::min(NR, nc - jr));
                }
            }
        }
    }
}

}  // namespace

bool micro_kernel_available(MicroKernel k) {
#ifdef __AVX512F__
    (void)k;
    return true;
#else
    return k == MicroKernel::k6x16;
#endif
}

void packed_sgemm(MicroKernel kernel, bool ta, bool tb, int64_t M, int64_t N, int64_t K,
                  float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                  float* C, int64_t ldc) {
    switch (kernel) {
        case MicroKernel::k6x16:
            return packed<8, 6, 2>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        case MicroKernel::k8x24:
            return packed<8, 8, 3>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        case MicroKernel::k14x32:
            return packed<16, 14, 2>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        case MicroKernel::k8x48:
            return packed<16, 8, 3>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    }
}

}  // namespace llm
