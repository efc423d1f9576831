// The fast tier's LayerNorm: one pass forward (mean and rstd per row, kept
// for backward), one pass backward, written out beside each other.
// layer_norm_test.cpp proves it equal to the book's LayerNorm (values and
// gradients).
#include "layer_norm_fused.hpp"

#include <cmath>
#include <memory>

#include "autograd.hpp"
#include "error.hpp"

namespace llm::ch04 {

// Per row of D values, with xhat = (x - mean) * rstd and rstd = 1/sqrt(var + eps):
//   forward   y = scale * xhat + shift
//   backward  dshift += g;  dscale += g * xhat
//             dxhat = g * scale
//             dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
// (the last line: xhat depends on x directly and through mean and var;
// differentiating both and collecting terms gives the two subtracted means.)
Tensor layer_norm_fused(const Tensor& x, const Tensor& scale, const Tensor& shift, float eps) {
    const int64_t D = x.size(-1), rows = x.numel() / std::max<int64_t>(D, 1);
    if (scale.numel() != D || shift.numel() != D)
        throw ShapeError("layer_norm_fused: input of width " + std::to_string(D) +
                         " with scale/shift of " + std::to_string(scale.numel()) + "/" +
                         std::to_string(shift.numel()));
    Tensor y = Tensor::empty(x.shape());
    auto stats =
        std::make_shared<std::vector<float>>(static_cast<size_t>(2 * rows));  // mean, rstd per row
    const float *px = x.data(), *pw = scale.data(), *pb = shift.data();
    float* py = y.data();
#pragma omp parallel for if (rows * D > 32768)
    for (int64_t r = 0; r < rows; ++r) {
        const float* xr = px + r * D;
        double s = 0;
        for (int64_t i = 0; i < D; ++i) s += xr[i];
        const float mean = static_cast<float>(s / static_cast<double>(D));
        double v = 0;
        for (int64_t i = 0; i < D; ++i) v += static_cast<double>(xr[i] - mean) * (xr[i] - mean);
        const float rstd = 1.0f / std::sqrt(static_cast<float>(v / static_cast<double>(D)) + eps);
        float* yr = py + r * D;
        for (int64_t i = 0; i < D; ++i) yr[i] = pw[i] * ((xr[i] - mean) * rstd) + pb[i];
        (*stats)[static_cast<size_t>(2 * r)] = mean;
        (*stats)[static_cast<size_t>(2 * r + 1)] = rstd;
    }
    return record(
        y, {x, scale, shift}, "LayerNormBackward",
        [x, scale, shift, stats, rows, D](const Tensor& g) {
            float beta = 1.0f;  // 0: gx is fresh, written rather than added to
            float* gx = grad_buffer(x, beta);
            float* gw = grad_buffer(scale);
            float* gb = grad_buffer(shift);
            const float *px = x.data(), *pw = scale.data(), *pg = g.data();
            if (gx) {
#pragma omp parallel for if (rows * D > 32768)
                for (int64_t r = 0; r < rows; ++r) {
                    const float mean = (*stats)[static_cast<size_t>(2 * r)],
                                rstd = (*stats)[static_cast<size_t>(2 * r + 1)];
                    const float *xr = px + r * D, *gr = pg + r * D;
                    float m1 = 0, m2 = 0;  // mean(dxhat), mean(dxhat * xhat)
                    for (int64_t i = 0; i < D; ++i) {
                        const float dxhat = gr[i] * pw[i];
                        m1 += dxhat;
                        m2 += dxhat * (xr[i] - mean) * rstd;
                    }
                    m1 /= static_cast<float>(D);
                    m2 /= static_cast<float>(D);
                    float* out = gx + r * D;
                    for (int64_t i = 0; i < D; ++i)
                        out[i] = (beta == 0.0f ? 0.0f : out[i]) +
                            rstd * (gr[i] * pw[i] - m1 - (xr[i] - mean) * rstd * m2);
                }
            }
            if (gw ||
                gb) {  // reductions over rows: columns are independent, split them across threads
#pragma omp parallel for if (rows * D > 32768)
                for (int64_t i = 0; i < D; ++i) {
                    float sw = 0, sb = 0;
                    for (int64_t r = 0; r < rows; ++r) {
                        const float mean = (*stats)[static_cast<size_t>(2 * r)],
                                    rstd = (*stats)[static_cast<size_t>(2 * r + 1)];
                        sw += pg[r * D + i] * (px[r * D + i] - mean) * rstd;
                        sb += pg[r * D + i];
                    }
                    if (gw) gw[i] += sw;
                    if (gb) gb[i] += sb;
                }
            }
        });
}

}  // namespace llm::ch04
