#include "scaled_dot_product_attention_fused.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "attention_softmax_fused.hpp"
#include "autograd.hpp"
#include "blas.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"

namespace llm::ch03 {

// attend_head for one query row (KV-cache generation, one new token): S is a
// row of Tk dot products and O a weighted sum of value rows, two loops in
// place of two sgemm calls that would pack a [1, hd] and a [Tk, hd] operand.
static void attend_one_query(const float* q, const float* k, const float* v, float* o, int64_t ld,
                             int64_t Tk, int64_t q_offset, int64_t hd, float divisor, float* w,
                             float* stats) {  // ld: the rows of k and v
    int64_t j = 0;
    for (; j + 4 <= Tk; j += 4) {  // S = q K^T  [Tk], four keys per pass
        const float *k0 = k + j * ld, *k1 = k0 + ld, *k2 = k1 + ld, *k3 = k2 + ld;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
        for (int64_t c = 0; c < hd; ++c) {
            s0 += q[c] * k0[c];
            s1 += q[c] * k1[c];
            s2 += q[c] * k2[c];
            s3 += q[c] * k3[c];
        }
        w[j] = s0, w[j + 1] = s1, w[j + 2] = s2, w[j + 3] = s3;
    }
    for (; j < Tk; ++j) {
        float s = 0.0f;
#pragma omp simd reduction(+ : s)
        for (int64_t c = 0; c < hd; ++c) s += q[c] * k[j * ld + c];
        w[j] = s;
    }
    softmax_row(w, w, std::min(q_offset + 1, Tk), Tk, divisor, stats[0], stats[1]);
    std::fill(o, o + hd, 0.0f);
    for (j = 0; j + 4 <= Tk; j += 4) {  // O = P V  [hd], four value rows per pass over o
        const float *v0 = v + j * ld, *v1 = v0 + ld, *v2 = v1 + ld, *v3 = v2 + ld;
        const float p0 = w[j], p1 = w[j + 1], p2 = w[j + 2], p3 = w[j + 3];
#pragma omp simd
        for (int64_t c = 0; c < hd; ++c) o[c] += p0 * v0[c] + p1 * v1[c] + p2 * v2[c] + p3 * v3[c];
    }
    for (; j < Tk; ++j)
#pragma omp simd
        for (int64_t c = 0; c < hd; ++c) o[c] += w[j] * v[j * ld + c];
}

// One (batch, head) block, the kernel that training and the KV cache share.
// q holds the head's Tq query rows, k and v its first Tk key and value rows,
// o receives Tq context rows; all are column blocks of width hd in tensors
// whose rows are ld floats apart (ld_kv for k and v: a KV cache holds each
// head's rows side by side). Query row r sits at position q_offset + r
// and sees keys 0 .. q_offset + r (causal). w is [Tq, Tk] scratch; on
// return it holds the weights before dropout, and stats the softmax's
// (max, 1 / sum) per row. keep, when given, is the dropout mask.
void attend_head(const float* q, const float* k, const float* v, float* o, int64_t ld,
                 int64_t ld_kv, int64_t Tq, int64_t Tk, int64_t q_offset, int64_t hd, float divisor,
                 float* w, float* stats, const uint8_t* keep, float scale) {
    if (Tq == 1 && !keep)
        return attend_one_query(q, k, v, o, ld_kv, Tk, q_offset, hd, divisor, w, stats);
    sgemm(false, true, Tq, Tk, hd, 1.0f, q, ld, k, ld_kv, 0.0f, w, Tk);  // S = Q K^T
    for (int64_t r = 0; r < Tq; ++r)
        softmax_row(w + r * Tk, w + r * Tk, std::min(q_offset + r + 1, Tk), Tk, divisor,
                    stats[2 * r], stats[2 * r + 1]);
    const float* pm = w;
    std::vector<float> dropped;
    if (keep) {
        dropped.resize(static_cast<size_t>(Tq * Tk));
        for (int64_t j = 0; j < Tq * Tk; ++j)
            dropped[static_cast<size_t>(j)] = w[j] * (keep[j] ? scale : 0.0f);
        pm = dropped.data();
    }
    sgemm(false, false, Tq, hd, Tk, 1.0f, pm, Tk, v, ld_kv, 0.0f, o, ld);  // O = (P * M) V
}

// Per (batch i, head h), with Q, K, V, O the head's [T, hd] column block of
// the [b, T, D] tensors (row stride D), P the weights and M the dropout
// multipliers (0 or 1 / (1 - p)):
//   forward   S = Q K^T;  P = causal_softmax(S / sqrt(hd));  O = (P * M) V
//   backward  dV += (P * M)^T dO
//             dP  = (dO V^T) * M
//             dS  = P * (dP - rowsum(dP * P)) / sqrt(hd)
//             dQ += dS K;  dK += dS^T Q
Tensor scaled_dot_product_attention(const Tensor& queries, const Tensor& keys, const Tensor& values,
                                    int64_t num_heads, float dropout_p, bool training,
                                    Tensor* weights_out) {
    if (queries.dim() != 3 || keys.shape() != queries.shape() || values.shape() != queries.shape())
        throw ShapeError(
            "scaled_dot_product_attention: queries, keys and values must share one [b, T, d] shape, got " +
            shape_str(queries.shape()) + ", " + shape_str(keys.shape()) + ", " +
            shape_str(values.shape()));
    const int64_t b = queries.size(0), T = queries.size(1), D = queries.size(2);
    if (num_heads <= 0 || D % num_heads != 0)
        throw ShapeError("scaled_dot_product_attention: width " + std::to_string(D) +
                         " does not split into " + std::to_string(num_heads) + " heads");
    if (dropout_p < 0.0f || dropout_p > 1.0f)
        throw ValueError("dropout probability has to be between 0 and 1, but got " +
                         std::to_string(dropout_p));
    const int64_t H = num_heads, hd = D / H, TT = T * T;
    const float divisor = std::sqrt(static_cast<float>(hd));

    // The dropout mask over all of [b, H, T, T] first, in order: the draws
    // nn.Dropout makes on the weights tensor, future positions included.
    std::shared_ptr<std::vector<uint8_t>> keep;
    const float scale = dropout_scale(dropout_p);
    if (training && dropout_p > 0.0f) {
        keep = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(b * H * TT));
        bernoulli_(keep->data(), b * H * TT, 1.0 - dropout_p, default_generator());
    }
    auto stats =
        std::make_shared<std::vector<float>>(static_cast<size_t>(2 * b * H * T));  // m, inv per row
    if (weights_out) *weights_out = Tensor::empty({b, H, T, T});
    Tensor out = Tensor::empty({b, T, D});
    const float *q = queries.data(), *k = keys.data(), *v = values.data();
    float* o = out.data();
#pragma omp parallel
    {
        std::vector<float> w(static_cast<size_t>(TT));  // one head's [T, T] weights
#pragma omp for schedule(static)
        for (int64_t ih = 0; ih < b * H; ++ih) {
            const int64_t off = (ih / H) * T * D + (ih % H) * hd;  // the head's block in [b, T, D]
            attend_head(q + off, k + off, v + off, o + off, D, D, T, T, 0, hd, divisor, w.data(),
                        stats->data() + 2 * ih * T, keep ? keep->data() + ih * TT : nullptr, scale);
            if (weights_out)
                std::memcpy(weights_out->data() + ih * TT, w.data(),
                            static_cast<size_t>(TT) * sizeof(float));
        }
    }
    return record(
        out, {queries, keys, values}, "ScaledDotProductAttentionBackward",
        [queries, keys, values, keep, stats, scale, b, T, D, H, hd, TT, divisor](const Tensor& g) {
            // each (batch, head) block of dQ, dK and dV is one product's output, so a fresh
            // gradient is written (beta 0) rather than zeroed first; unless two of the three
            // are one tensor's gradient (self-attention on x, x, x), when all start from zeros
            float bq = 1.0f, bk = 1.0f, bv = 1.0f;
            float* dq = grad_buffer(queries, bq);
            float* dk = grad_buffer(keys, bk);
            float* dv = grad_buffer(values, bv);
            if ((dq && (dq == dk || dq == dv)) || (dk && dk == dv)) {
                const int64_t n = queries.numel();
                for (auto [p, beta] : {std::pair{dq, &bq}, {dk, &bk}, {dv, &bv}})
                    if (p && *beta == 0.0f) std::fill(p, p + n, 0.0f), *beta = 1.0f;
            }
            const float *q = queries.data(), *k = keys.data(), *v = values.data(), *dout = g.data();
#pragma omp parallel
            {
                // per thread: P; P * M, then dP; dS
                std::vector<float> p(static_cast<size_t>(TT)), d(static_cast<size_t>(TT)),
                    ds(static_cast<size_t>(TT));
#pragma omp for schedule(static)
                for (int64_t ih = 0; ih < b * H; ++ih) {
                    const int64_t off = (ih / H) * T * D + (ih % H) * hd;
                    const uint8_t* kp = keep ? keep->data() + ih * TT : nullptr;
                    const float* st = stats->data() + 2 * ih * T;
                    // P again, exactly as forward made it
                    sgemm(false, true, T, T, hd, 1.0f, q + off, D, k + off, D, 0.0f, p.data(), T);
                    for (int64_t r = 0; r < T; ++r)
                        recompute_softmax_row(p.data() + r * T, p.data() + r * T, r + 1, T, divisor,
                                              st[2 * r], st[2 * r + 1]);
                    if (dv) {  // dV += (P * M)^T dO
                        const float* pm = p.data();
                        if (kp) {
                            for (int64_t j = 0; j < TT; ++j)
                                d[static_cast<size_t>(j)] =
                                    p[static_cast<size_t>(j)] * (kp[j] ? scale : 0.0f);
                            pm = d.data();
                        }
                        sgemm(true, false, T, hd, T, 1.0f, pm, T, dout + off, D, bv, dv + off, D);
                    }
                    if (!dq && !dk) continue;
                    // dP = (dO V^T) * M
                    sgemm(false, true, T, T, hd, 1.0f, dout + off, D, v + off, D, 0.0f, d.data(),
                          T);
                    if (kp)
                        for (int64_t j = 0; j < TT; ++j)
                            d[static_cast<size_t>(j)] *= kp[j] ? scale : 0.0f;
                    std::fill(ds.begin(), ds.end(), 0.0f);  // dS: zero where the mask hides the key
                    for (int64_t r = 0; r < T; ++r)
                        softmax_row_backward(d.data() + r * T, p.data() + r * T, ds.data() + r * T,
                                             r + 1, divisor);
                    if (dq)  // dQ += dS K
                        sgemm(false, false, T, hd, T, 1.0f, ds.data(), T, k + off, D, bq, dq + off,
                              D);
                    if (dk)  // dK += dS^T Q
                        sgemm(true, false, T, hd, T, 1.0f, ds.data(), T, q + off, D, bk, dk + off,
                              D);
                }
            }
        });
}

Tensor scaled_dot_product_attention_cached(const Tensor& queries, const Tensor& keys,
                                           const Tensor& values, int64_t kv_length,
                                           int64_t num_heads) {
    const int64_t b = queries.size(0), Tq = queries.size(1), D = queries.size(2);
    if (num_heads <= 0 || queries.dim() != 3 || D % num_heads != 0)
        throw ShapeError("scaled_dot_product_attention_cached: queries " +
                         shape_str(queries.shape()) + " do not split into " +
                         std::to_string(num_heads) + " heads");
    const int64_t H = num_heads, hd = D / H;
    if (keys.dim() != 4 || keys.shape() != values.shape() || keys.size(0) != b ||
        keys.size(1) != H || keys.size(3) != hd || kv_length < Tq || kv_length > keys.size(2))
        throw ShapeError("scaled_dot_product_attention_cached: queries " +
                         shape_str(queries.shape()) + " and " + std::to_string(kv_length) +
                         " filled rows of keys/values " + shape_str(keys.shape()) +
                         " do not fit (the cache is [b, heads, capacity, head_dim])");
    const int64_t C = keys.size(2), Tk = kv_length;
    const int64_t q_offset = kv_length - Tq;  // the new tokens are the last Tq of the cache
    const float divisor = std::sqrt(static_cast<float>(hd));
    Tensor out = Tensor::empty({b, Tq, D});
    const float *q = queries.data(), *k = keys.data(), *v = values.data();
    float* o = out.data();
#pragma omp parallel
    {
        std::vector<float> w(static_cast<size_t>(Tq * Tk)), stats(static_cast<size_t>(2 * Tq));
#pragma omp for schedule(static)
        for (int64_t ih = 0; ih < b * H; ++ih) {  // a head's cached rows are adjacent: [C, hd]
            const int64_t i = ih / H, col = (ih % H) * hd;
            attend_head(q + i * Tq * D + col, k + ih * C * hd, v + ih * C * hd,
                        o + i * Tq * D + col, D, hd, Tq, Tk, q_offset, hd, divisor, w.data(),
                        stats.data(), nullptr, 1.0f);
        }
    }
    return out;
}

}  // namespace llm::ch03
