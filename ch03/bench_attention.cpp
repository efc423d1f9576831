// BENCH mha_fwd_gflops / mha_fwd_bwd_gflops: MultiHeadAttention at the size
// of one GPT-2 block (B = 2, T = 256, d = 768, 12 heads), as a share of the
// sgemm throughput measured in the same run.
#include <cstdio>

#include "bench.hpp"
#include "blas.hpp"
#include "blas_startup.hpp"
#include "multihead_attention.hpp"
#include "ops.hpp"
#include "random.hpp"

using namespace llm;

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const int64_t B = 2, T = 256, d = 768, H = 12;
    manual_seed(1);
    ch03::MultiHeadAttention mha(d, d, 1024, 0.0f, H);
    Tensor x = rand({B, T, d});
    x.requires_grad_();
    const double proj = 4 * 2.0 * B * T * d * d, attn = 2 * 2.0 * B * H * T * T * (d / H);
    const double fwd_flops = proj + attn, bwd_flops = 2 * fwd_flops;
    const double sgemm = bench::sgemm_gflops();
    bench::record("sgemm_gflops", sgemm, "GFLOP/s");
    // GPT-2's dropout on the attention weights (0.1), in one op and step by step
    mha.dropout->p = 0.1f;
    double fused_both = 0;
    for (const bool fused : {true, false}) {
        mha.fused = fused;
        for (int i = 0; i < 2; ++i) sum(mha.forward(x)).backward();  // warm-up
        const int reps = 10;
        double t0 = bench::now();
        for (int i = 0; i < reps; ++i) mha.forward(x);
        const double fwd = (bench::now() - t0) / reps;
        t0 = bench::now();
        for (int i = 0; i < reps; ++i) {
            mha.zero_grad();
            x.zero_grad();
            sum(mha.forward(x)).backward();
        }
        const double both = (bench::now() - t0) / reps;
        if (fused) {
            fused_both = both;
            bench::record("mha_fwd_ms", fwd * 1e3, "ms");
            bench::record("mha_fwd_gflops", fwd_flops / fwd / 1e9, "GFLOP/s");
            bench::record_shares("mha_fwd_bwd", fwd_flops + bwd_flops, both);
            std::printf("  forward at %.0f%% of sgemm, forward+backward at %.0f%% of sgemm\n",
                        100 * fwd_flops / fwd / 1e9 / sgemm,
                        100 * (fwd_flops + bwd_flops) / both / 1e9 / sgemm);
        } else {
            std::printf(
                "  step by step (transposed copies of the heads, weights kept): forward+backward %.1f ms, "
                "the fused op takes %.0f%% of that\n",
                both * 1e3, 100 * fused_both / both);
        }
    }
}
