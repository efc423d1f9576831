// torch.nn.functional: softmax, losses, embedding lookup, dropout.
// Softmax and cross-entropy are single fused passes with their backward
// written out next to them.
#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "vec_math.hpp"

namespace llm {

// y_k = exp(x_k - max) / sum_j exp(x_j - max)
// dL/dx_k = y_k * (g_k - sum_j g_j y_j)
Tensor softmax(const Tensor& a, int64_t dim) {
    const auto [outer, n, inner] = split_axis(a.shape(), dim);
    Tensor y = Tensor::empty(a.shape());
    const float* x = a.data();
    float* py = y.data();
#pragma omp parallel for collapse(2) if (outer * inner > 256)
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
            const int64_t base = o * n * inner + i;
            float m = -std::numeric_limits<float>::infinity();
            for (int64_t k = 0; k < n; ++k) m = std::max(m, x[base + k * inner]);
            double s = 0;
            for (int64_t k = 0; k < n; ++k)
                s += py[base + k * inner] = std::exp(x[base + k * inner] - m);
            const float inv = static_cast<float>(1.0 / s);
            for (int64_t k = 0; k < n; ++k) py[base + k * inner] *= inv;
        }
    // (the output's buffer, not the output tensor: see unary() in ops_elementwise.cpp)
    return record(y, {a}, "SoftmaxBackward0",
                  [a = Edge(a), ys = y.storage_ptr(), outer, n, inner](const Tensor& g) {
                      float* ga = grad_buffer(a);
                      const float *pg = g.data(), *py = ys->data();
#pragma omp parallel for collapse(2) if (outer * inner > 256)
                      for (int64_t o = 0; o < outer; ++o)
                          for (int64_t i = 0; i < inner; ++i) {
                              const int64_t base = o * n * inner + i;
                              double dot = 0;
                              for (int64_t k = 0; k < n; ++k)
                                  dot += pg[base + k * inner] * py[base + k * inner];
                              for (int64_t k = 0; k < n; ++k)
                                  ga[base + k * inner] += py[base + k * inner] *
                                      (pg[base + k * inner] - static_cast<float>(dot));
                          }
                  });
}

// y_k = x_k - logsumexp(x);  dL/dx_k = g_k - softmax_k * sum_j g_j
Tensor log_softmax(const Tensor& a, int64_t dim) {
    const auto [outer, n, inner] = split_axis(a.shape(), dim);
    Tensor y = Tensor::empty(a.shape());
    const float* x = a.data();
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
            const int64_t base = o * n * inner + i;
            float m = -std::numeric_limits<float>::infinity();
            for (int64_t k = 0; k < n; ++k) m = std::max(m, x[base + k * inner]);
            double s = 0;
            for (int64_t k = 0; k < n; ++k) s += std::exp(x[base + k * inner] - m);
            const float lse = m + static_cast<float>(std::log(s));
            for (int64_t k = 0; k < n; ++k) y.data()[base + k * inner] = x[base + k * inner] - lse;
        }
    return record(y, {a}, "LogSoftmaxBackward0",
                  [a = Edge(a), ys = y.storage_ptr(), outer, n, inner](const Tensor& g) {
                      float* ga = grad_buffer(a);
                      const float* py = ys->data();
                      for (int64_t o = 0; o < outer; ++o)
                          for (int64_t i = 0; i < inner; ++i) {
                              const int64_t base = o * n * inner + i;
                              double gs = 0;
                              for (int64_t k = 0; k < n; ++k) gs += g.data()[base + k * inner];
                              for (int64_t k = 0; k < n; ++k)
                                  ga[base + k * inner] += g.data()[base + k * inner] -
                                      std::exp(py[base + k * inner]) * static_cast<float>(gs);
                          }
                  });
}

namespace {
// f(c0, e, len) for consecutive pieces e = exp(x[c0 .. c0+len) - shift) of
// a row, computed in a buffer on the stack by SLEEF (vec_math.hpp).
template <typename F>
void for_exp_pieces(const float* x, int64_t n, float shift, F f) {
    constexpr int64_t kPiece = 1024;
    float e[kPiece];
    for (int64_t c0 = 0; c0 < n; c0 += kPiece) {
        const int64_t len = std::min(kPiece, n - c0);
        for (int64_t k = 0; k < len; ++k) e[k] = x[c0 + k] - shift;
        exp_of(e, e, len);
        f(c0, e, len);
    }
}
}  // namespace

// loss = mean_i (logsumexp(x_i) - x_i[t_i]) over rows whose target is not ignored.
// dL/dx_ic = (softmax(x_i)_c - [c == t_i]) / count. Forward keeps only the
// per-row logsumexp; backward recomputes exp(x - lse) in the same pass that
// writes the gradient, so the [N, C] probabilities are never stored.
Tensor cross_entropy(const Tensor& logits, const IntTensor& targets, int64_t ignore_index) {
    if (logits.dim() != 2)
        throw ShapeError("cross_entropy: logits must be [N, C], got " + shape_str(logits.shape()) +
                         " (flatten the batch and time dimensions first)");
    const int64_t N = logits.size(0), C = logits.size(1);
    if (targets.numel() != N)
        throw ShapeError("cross_entropy: " + std::to_string(targets.numel()) + " targets for " +
                         std::to_string(N) + " rows of logits");
    int64_t count = 0;
    for (int64_t t : targets.data) {
        if (t == ignore_index) continue;
        if (t < 0 || t >= C)
            throw ValueError("cross_entropy: target " + std::to_string(t) +
                             " is out of bounds for " + std::to_string(C) + " classes");
        ++count;
    }
    auto lse = std::make_shared<std::vector<float>>(static_cast<size_t>(N));
    const float* x = logits.data();
    double total = 0;
#pragma omp parallel for reduction(+ : total) if (N * C > 65536)
    for (int64_t r = 0; r < N; ++r) {
        const int64_t t = targets.data[static_cast<size_t>(r)];
        if (t == ignore_index) continue;
        const float* row = x + r * C;
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t c = 0; c < C; ++c) m = std::max(m, row[c]);
        float s = 0;
        for_exp_pieces(row, C, m, [&](int64_t, const float* e, int64_t len) {
#pragma omp simd reduction(+ : s)
            for (int64_t k = 0; k < len; ++k) s += e[k];
        });
        const float l = m + std::log(s);
        (*lse)[static_cast<size_t>(r)] = l;
        total += static_cast<double>(l - row[t]);
    }
    Tensor loss = Tensor::scalar(count ? static_cast<float>(total / static_cast<double>(count))
                                       : std::numeric_limits<float>::quiet_NaN());
    // dL/dx[r, c] = (softmax(x[r])[c] - [c == t_r]) * g / count. On the
    // node's last run, when nothing else holds the logits, their buffer
    // becomes the gradient (overwritten row by row), so the largest tensor of
    // a training step exists once.
    return record_with_last_run(
        loss, {logits}, "NllLossBackward0",
        [logits, targets, lse, N, C, count, ignore_index](const Tensor& g, bool last_run) {
            const bool in_place = last_run && count && take_over_as_grad(logits);
            float* gx = in_place ? logits.grad().data() : grad_buffer(logits);
            if (!count) return;
            const float scale = g.item() / static_cast<float>(count);
            const float* x = logits.data();
#pragma omp parallel for if (N * C > 65536)
            for (int64_t r = 0; r < N; ++r) {
                const int64_t t = targets.data[static_cast<size_t>(r)];
                const float* row = x + r * C;
                float* grow = gx + r * C;
                if (t == ignore_index) {
                    if (in_place) std::fill(grow, grow + C, 0.0f);
                    continue;
                }
                const float l = (*lse)[static_cast<size_t>(r)];
                // (in place, grow is row: each piece is read before it is written)
                for_exp_pieces(row, C, l, [&](int64_t c0, const float* e, int64_t len) {
                    float* out = grow + c0;
                    if (in_place)
                        for (int64_t k = 0; k < len; ++k) out[k] = e[k] * scale;
                    else
                        for (int64_t k = 0; k < len; ++k) out[k] += e[k] * scale;
                });
                grow[t] -= scale;
            }
        });
}

Tensor binary_cross_entropy(const Tensor& p, const Tensor& y) {
    if (p.shape() != y.shape())
        throw ShapeError("binary_cross_entropy: probabilities " + shape_str(p.shape()) +
                         " and targets " + shape_str(y.shape()) + " differ");
    return neg(mean(y * log(p) + (neg(y) + 1.0f) * log(neg(p) + 1.0f)));
}

Tensor mse_loss(const Tensor& input, const Tensor& target) {
    const Tensor d = input - target;
    return mean(d * d);
}

Tensor embedding(const Tensor& weight, const IntTensor& ids) {
    if (weight.dim() != 2)
        throw ShapeError("embedding: weight must be [V, D], got " + shape_str(weight.shape()));
    const int64_t V = weight.size(0), D = weight.size(1);
    for (int64_t id : ids.data)
        if (id < 0 || id >= V)
            throw ValueError("embedding: index " + std::to_string(id) +
                             " out of range for a table of " + std::to_string(V) + " rows");
    Shape s = ids.shape;
    s.push_back(D);
    Tensor out = Tensor::empty(s);
    const int64_t n = ids.numel();
#pragma omp parallel for if (n * D > 65536)
    for (int64_t i = 0; i < n; ++i)
        std::copy(weight.data() + ids.data[static_cast<size_t>(i)] * D,
                  weight.data() + (ids.data[static_cast<size_t>(i)] + 1) * D, out.data() + i * D);
    return record(out, {weight}, "EmbeddingBackward0",
                  [weight = Edge(weight), ids, D](const Tensor& g) {
                      float* gw = grad_buffer(weight);
                      for (int64_t i = 0; i < ids.numel(); ++i) {
                          float* row = gw + ids.data[static_cast<size_t>(i)] * D;
                          const float* gi = g.data() + i * D;
                          for (int64_t d = 0; d < D; ++d) row[d] += gi[d];
                      }
                  });
}

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen) {
    if (p < 0.0f || p > 1.0f)
        throw ValueError("dropout probability has to be between 0 and 1, but got " +
                         std::to_string(p));
    if (!training || p == 0.0f) return x;
    // PyTorch: noise = bernoulli_(1 - p) / (1 - p); out = x * noise. We keep
    // the noise as one byte per element (kept or not) and multiply the kept
    // elements by dropout_scale(p), the same float PyTorch's noise holds.
    const int64_t n = x.numel();
    auto keep = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(n));
    bernoulli_(keep->data(), n, 1.0 - p, gen);
    const float scale = dropout_scale(p);
    Tensor out = Tensor::empty(x.shape());
    const float* px = x.data();
    const uint8_t* pk = keep->data();
    float* po = out.data();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) po[i] = px[i] * (pk[i] ? scale : 0.0f);
    return record(out, {x}, "MulBackward0" /* PyTorch: input * mask / (1 - p) */,
                  [x = Edge(x), keep, scale, n](const Tensor& g) {
                      float* gx = grad_buffer(x);
                      const float* pg = g.data();
                      const uint8_t* pk = keep->data();
#pragma omp parallel for simd if (n > 65536)
                      for (int64_t i = 0; i < n; ++i) gx[i] += pg[i] * (pk[i] ? scale : 0.0f);
                  });
}

float dropout_scale(float p) {
    return p == 1.0f ? 0.0f : static_cast<float>(1.0 / (1.0 - static_cast<double>(p)));
}

Tensor dropout(const Tensor& x, float p, bool training) {
    return dropout(x, p, training, default_generator());
}

}  // namespace llm
