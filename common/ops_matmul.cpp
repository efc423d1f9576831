// Matrix products, all through sgemm. Backward products use sgemm's
// transpose flags (no transposed copies) and beta = 1 to add straight
// into the gradient buffers.
#include <algorithm>

#include "autograd.hpp"
#include "blas.hpp"
#include "error.hpp"
#include "ops.hpp"

namespace llm {

namespace {

// [..., M, K] @ [K, N] -> [..., M, N]: one sgemm over all leading rows.
Tensor matmul_2d_rhs(const Tensor& a, const Tensor& b) {
    const int64_t K = a.size(-1), N = b.size(1), rows = a.numel() / std::max<int64_t>(K, 1);
    Shape s = a.shape();
    s.back() = N;
    Tensor out = Tensor::empty(s);
    sgemm(false, false, rows, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, out.data(), N);
    // PyTorch's names: mm for 2-D inputs; matmul folds higher ones and views back
    return record(
        out, {a, b}, a.dim() > 2 ? "UnsafeViewBackward0" : "MmBackward0",
        [a, b, rows, K, N](const Tensor& g) {
            float beta;  // 0 for a gradient's first writer (grad_buffer), else 1
            if (float* ga = grad_buffer(a, beta))  // dA[rows, K] += G[rows, N] @ B^T
                sgemm(false, true, rows, K, N, 1.0f, g.data(), N, b.data(), N, beta, ga, K);
            if (float* gb = grad_buffer(b, beta))  // dB[K, N] += A^T @ G
                sgemm(true, false, K, N, rows, 1.0f, a.data(), K, g.data(), N, beta, gb, N);
        });
}

// One sgemm per batch entry, each on its own thread (OpenBLAS runs
// single-threaded inside an OpenMP region, so there is still one pool):
//   trans_b false: [B..., M, K] @ [B..., K, N]    -> [B..., M, N]
//   trans_b true:  [B..., M, K] @ [B..., N, K]^T  -> [B..., M, N]
Tensor batched_product(const Tensor& a, const Tensor& b, bool trans_b) {
    const int64_t M = a.size(-2), K = a.size(-1), N = trans_b ? b.size(-2) : b.size(-1);
    const int64_t batch = a.numel() / std::max<int64_t>(M * K, 1);
    const int64_t ldb = trans_b ? K : N;
    Shape s = a.shape();
    s.back() = N;
    Tensor out = Tensor::empty(s);
#pragma omp parallel for if (batch > 1)
    for (int64_t i = 0; i < batch; ++i)
        sgemm(false, trans_b, M, N, K, 1.0f, a.data() + i * M * K, K, b.data() + i * K * N, ldb,
              0.0f, out.data() + i * M * N, N);
    // PyTorch's name: bmm, then a view back
    return record(
        out, {a, b}, "UnsafeViewBackward0", [a, b, trans_b, batch, M, K, N, ldb](const Tensor& g) {
            float* ga = grad_buffer(a);
            float* gb = grad_buffer(b);
#pragma omp parallel for if (batch > 1)
            for (int64_t i = 0; i < batch; ++i) {
                const float *gi = g.data() + i * M * N, *ai = a.data() + i * M * K,
                            *bi = b.data() + i * K * N;
                if (ga)  // dA[M, K] += G @ op(B)^T
                    sgemm(false, !trans_b, M, K, N, 1.0f, gi, N, bi, ldb, 1.0f, ga + i * M * K, K);
                if (gb && !trans_b)  // dB[K, N] += A^T @ G
                    sgemm(true, false, K, N, M, 1.0f, ai, K, gi, N, 1.0f, gb + i * K * N, N);
                if (gb && trans_b)  // dB[N, K] += G^T @ A
                    sgemm(true, false, N, K, M, 1.0f, gi, N, ai, K, 1.0f, gb + i * K * N, K);
            }
        });
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
    if (a.dim() == 0 || b.dim() == 0)
        throw ShapeError("matmul: both arguments need at least 1 dimension");
    if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
    if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
    if (a.size(-1) != b.size(-2))
        throw ShapeError("matmul: shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                         " cannot be multiplied (" + std::to_string(a.size(-1)) +
                         " != " + std::to_string(b.size(-2)) + ")");
    if (b.dim() == 2) return matmul_2d_rhs(a, b);
    Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
    if (ba != bb)
        throw ShapeError("matmul: batch dimensions of " + shape_str(a.shape()) + " and " +
                         shape_str(b.shape()) + " differ (broadcast batches are not supported)");
    return batched_product(a, b, false);
}

Tensor matmul_nt(const Tensor& a, const Tensor& b) {
    if (a.dim() < 2 || a.dim() != b.dim() || a.size(-1) != b.size(-1) ||
        !std::equal(a.shape().begin(), a.shape().end() - 2, b.shape().begin()))
        throw ShapeError("matmul_nt: shapes " + shape_str(a.shape()) + " and " +
                         shape_str(b.shape()) + " do not fit a @ b^T");
    return batched_product(a, b, true);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    // x: [..., in], weight: [out, in], bias: [out] -> [..., out]
    const int64_t in = weight.size(1), out_f = weight.size(0);
    if (x.size(-1) != in)
        throw ShapeError("linear: input of shape " + shape_str(x.shape()) +
                         " for a weight of shape " + shape_str(weight.shape()) +
                         " (expected last dimension " + std::to_string(in) + ")");
    if (bias.defined() && (bias.dim() != 1 || bias.size(0) != out_f))
        throw ShapeError("linear: bias of shape " + shape_str(bias.shape()) + " for " +
                         std::to_string(out_f) + " outputs");
    const int64_t rows = x.numel() / std::max<int64_t>(in, 1);
    Shape s = x.shape();
    s.back() = out_f;
    Tensor y = Tensor::empty(s);
    float* py = y.data();
    if (bias.defined()) {
        const float* pb = bias.data();
#pragma omp parallel for if (rows * out_f > 65536)
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = 0; j < out_f; ++j) py[r * out_f + j] = pb[j];
    }
    // Y[rows, out] (+)= X[rows, in] @ W^T; one row (generation) is a matrix-vector product
    if (rows == 1)
        sgemv(out_f, in, 1.0f, weight.data(), in, x.data(), bias.defined() ? 1.0f : 0.0f, py);
    else
        sgemm(false, true, rows, out_f, in, 1.0f, x.data(), in, weight.data(), in,
              bias.defined() ? 1.0f : 0.0f, py, out_f);
    std::vector<Tensor> inputs{x, weight};
    if (bias.defined()) inputs.push_back(bias);
    // PyTorch's names: addmm (mm without bias) on 2-D inputs, a view back on higher ones
    const char* name = x.dim() > 2 ? (bias.defined() ? "ViewBackward0" : "UnsafeViewBackward0")
                                   : (bias.defined() ? "AddmmBackward0" : "MmBackward0");
    return record(y, inputs, name, [x, weight, bias, rows, in, out_f](const Tensor& g) {
        float beta;  // 0 for a gradient's first writer (grad_buffer), else 1
        if (float* gx = grad_buffer(x, beta))  // dX[rows, in] += G[rows, out] @ W[out, in]
            sgemm(false, false, rows, in, out_f, 1.0f, g.data(), out_f, weight.data(), in, beta, gx,
                  in);
        if (float* gw = grad_buffer(weight, beta))  // dW[out, in] += G^T @ X
            sgemm(true, false, out_f, in, rows, 1.0f, g.data(), out_f, x.data(), in, beta, gw, in);
        if (float* gb = grad_buffer(bias)) {  // db[out] += column sums of G
            const float* pg = g.data();
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t j = 0; j < out_f; ++j) gb[j] += pg[r * out_f + j];
        }
    });
}

}  // namespace llm
