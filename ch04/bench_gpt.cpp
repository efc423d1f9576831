// BENCH gpt124m_forward_b8t256_s: forward of GPT_CONFIG_124M on 8 x 256 tokens.
// BENCH gpt124m_generate_kv_tok_s / _nocache_tok_s: greedy generation of
// 200 tokens from a 4-token prompt, batch 1. Shares of this run's own sgemm
// throughput (forward) and memory bandwidth (generation reads all weights per
// token: the limit is the faster of the triad and reading memory once, measured
// before, between and after two generations, the faster of which counts). The
// forward is the fastest of three after a warm-up, as PyTorch's is taken
// (notes/tools/pytorch_book_gpt.py). Beside the generation, the same products
// alone: how fast they read memory, and what share of a token's time they are.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "autograd.hpp"
#include "bench.hpp"
#include "blas.hpp"
#include "blas_startup.hpp"
#include "generate.hpp"
#include "random.hpp"

using namespace llm;
using namespace llm::ch04;

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const double sgemm = bench::sgemm_gflops(), bw = bench::mem_bandwidth_gbs();
    bench::record("sgemm_gflops", sgemm, "GFLOP/s");
    bench::record("mem_bandwidth_gbs", bw, "GB/s");
    GPTConfig cfg = GPT_CONFIG_124M();
    manual_seed(123);
    GPTModel model(cfg);
    model.eval();
    NoGradGuard ng;
    const int64_t B = 8, T = 256;
    Generator g(1);
    std::vector<int64_t> ids(static_cast<size_t>(B * T));
    for (auto& id : ids) id = g.random() % cfg.vocab_size;
    const IntTensor batch({B, T}, ids);
    model.forward(batch);  // warm-up, then the fastest of three, as PyTorch's figure is taken
    const double fwd = bench::fastest_of(3, [&] { model.forward(batch); });
    // matmul flops: 2 * tokens * (12 * 12 * 768^2 per block ... ) counted from the parameters, plus attention
    const double tokens = static_cast<double>(B * T);
    const double weight_flops = 2.0 * tokens *
        static_cast<double>(count_parameters(cfg) - cfg.vocab_size * cfg.emb_dim -
                            cfg.context_length * cfg.emb_dim);
    const double attn_flops =
        2.0 * 2.0 * B * cfg.n_layers * static_cast<double>(T) * T * cfg.emb_dim;
    const double gflops = (weight_flops + attn_flops) / fwd / 1e9;
    bench::record("gpt124m_forward_b8t256_s", fwd, "s");
    bench::record("fma_peak_gflops", bench::fma_peak_gflops(), "GFLOP/s");
    bench::record_shares("gpt124m_forward", gflops * fwd * 1e9, fwd);

    const IntTensor prompt({1, 4}, {15496, 11, 314, 716});
    const int64_t n = 200;
    // The limit: reading memory once, measured before, between and after two generations
    // (this machine's bandwidth drifts by a third from minute to minute), or the triad if
    // that was faster: the highest of the four. The faster generation counts.
    double read_bw = bench::mem_read_bandwidth_gbs(), kv = 0;
    for (int round = 0; round < 2; ++round) {
        const double t0 = bench::now();
        generate_text_cached(model, prompt, n, cfg.context_length);
        kv = std::max(kv, static_cast<double>(n) / (bench::now() - t0));
        read_bw = std::max(read_bw, bench::mem_read_bandwidth_gbs());
    }
    // What stands between generation and that limit: the same matrix-vector products alone
    // (every weight matrix a token reads, in the model's order, nothing between them), and
    // what else a token spends its time on (attention over the cache, the small ops, threads
    // waiting at the ends of the products).
    std::vector<Tensor> matrices;
    double matrix_bytes = 0;
    for (const auto& [name, p] : model.named_parameters())
        if (p.dim() == 2 && name != "tok_emb.weight" && name != "pos_emb.weight") {
            matrices.push_back(p);
            matrix_bytes += 4.0 * static_cast<double>(p.numel());
        }
    const Tensor x = Tensor::full({4 * cfg.emb_dim}, 0.5f);
    Tensor y = Tensor::empty({cfg.vocab_size});
    const double products_s = bench::fastest_of(5, [&] {
        for (const Tensor& m : matrices)
            sgemv(m.size(0), m.size(1), 1.0f, m.data(), m.size(1), x.data(), 0.0f, y.data());
    });
    read_bw = std::max(read_bw, bench::mem_read_bandwidth_gbs());
    const double limit_bw = std::max(read_bw, bw);
    bench::record("mem_read_bandwidth_gbs", read_bw, "GB/s");
    bench::record("gpt124m_generate_kv_tok_s", kv, "tokens/s");
    // every weight but the two embedding tables (one row each is read) passes through the cores once per token
    const double bytes_per_token = 4.0 *
        static_cast<double>(count_parameters(cfg) -
                            (cfg.vocab_size + cfg.context_length) * cfg.emb_dim);
    bench::record("gpt124m_generate_kv_share_of_bandwidth", kv * bytes_per_token / 1e9 / limit_bw,
                  "ratio");
    const double products_gbs = matrix_bytes / products_s / 1e9;
    bench::record("gpt124m_generate_products_alone_gbs", products_gbs, "GB/s");
    bench::record("gpt124m_generate_products_alone_share_of_bandwidth", products_gbs / limit_bw,
                  "ratio");
    // a token's time at the products' own rate, as a share of the token's measured time
    bench::record("gpt124m_generate_kv_share_in_products", products_s * kv, "ratio");
    std::printf(
        "  KV cache: %.0f%% of the memory-bandwidth limit (%.0f MB of weights read per token at "
        "%.1f GB/s); the products alone read at %.0f%% of it (%.1f GB/s), and would take %.0f%% "
        "of a token's time\n",
        100 * kv * bytes_per_token / 1e9 / limit_bw, bytes_per_token / 1e6, limit_bw,
        100 * products_gbs / limit_bw, products_gbs, 100 * products_s * kv);
    const int64_t n2 = 30;
    const double t0 = bench::now();
    generate_text_simple(model, prompt, n2, cfg.context_length);
    const double nocache_s = bench::now() - t0;
    bench::record("gpt124m_generate_nocache_tok_s", static_cast<double>(n2) / nocache_s,
                  "tokens/s");
    // without a cache each token runs the whole sequence so far (L = 4 .. 33 positions): at best
    // max(reading the weights once, 2 L flops per weight at the sgemm rate) per token
    double limit_s = 0;
    for (int64_t L = prompt.numel(); L < prompt.numel() + n2; ++L)
        limit_s += std::max(bytes_per_token / 1e9 / bw,
                            2.0 * static_cast<double>(L) * bytes_per_token / 4.0 / 1e9 / sgemm);
    bench::record("gpt124m_generate_nocache_share_of_limit", limit_s / nocache_s, "ratio");
    std::printf("  no cache: %.0f%% of the limit set by memory bandwidth and sgemm\n",
                100 * limit_s / nocache_s);
}
