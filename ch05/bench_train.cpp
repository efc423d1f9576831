// BENCH gpt124m_train_step_b2t256_s: one training step of GPT_CONFIG_124M
// (context 256) on a batch of 2 x 256 tokens: forward, cross-entropy,
// backward, AdamW. Also tokens/s, achieved GFLOP/s as a share of this run's
// sgemm throughput, and the peak resident memory.
#include <cstdio>
#include <sys/resource.h>

#include "bench.hpp"
#include "blas.hpp"
#include "blas_startup.hpp"
#include "loss.hpp"
#include "optim.hpp"
#include "random.hpp"
#include "storage.hpp"

using namespace llm;

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const double peak = bench::fma_peak_gflops();
    bench::record("fma_peak_gflops", peak, "GFLOP/s");
    const double sgemm = bench::sgemm_gflops();
    bench::record("sgemm_gflops", sgemm, "GFLOP/s");
    ch04::GPTConfig cfg;
    cfg.context_length = 256;
    manual_seed(123);
    ch04::GPTModel model(cfg);
    AdamW opt(model.parameters(), 4e-4f, 0.1f);
    const int64_t B = 2, T = 256;
    Generator g(1);
    std::vector<int64_t> x(static_cast<size_t>(B * T)), y(static_cast<size_t>(B * T));
    for (auto& v : x) v = g.random() % cfg.vocab_size;
    for (auto& v : y) v = g.random() % cfg.vocab_size;
    const IntTensor in({B, T}, x), tg({B, T}, y);
    auto step = [&] {
        opt.zero_grad();
        const Tensor loss = ch05::calc_loss_batch(in, tg, model);
        loss.backward();
        opt.step();
    };
    step();  // warm-up: first-touch of every buffer
    storage_reset_peak();
    const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
    const double t0 = bench::now();
    for (int i = 0; i < reps; ++i) step();
    const double dt = (bench::now() - t0) / reps;
    // matmul work: 6 flops per weight per token (forward 2, backward 4), plus attention
    const double tokens = static_cast<double>(B * T);
    const double weights = static_cast<double>(ch04::count_parameters(cfg) -
                                               (cfg.vocab_size + cfg.context_length) * cfg.emb_dim);
    const double flops = 6.0 * tokens * weights +
        3 * 2.0 * 2.0 * B * cfg.n_layers * static_cast<double>(T) * T * cfg.emb_dim;
    bench::record("gpt124m_train_step_b2t256_s", dt, "s");
    bench::record("gpt124m_train_tokens_s", tokens / dt, "tokens/s");
    bench::record("gpt124m_train_gflops", flops / dt / 1e9, "GFLOP/s");
    bench::record("gpt124m_train_share_of_fma_peak", flops / dt / 1e9 / peak, "ratio");
    bench::record("gpt124m_train_share_of_sgemm", flops / dt / 1e9 / sgemm, "ratio");
    std::printf(
        "  training step at %.0f%% of sgemm and %.0f%% of the FMA peak (%.0f GFLOP per step)\n",
        100 * flops / dt / 1e9 / sgemm, 100 * flops / dt / 1e9 / peak, flops / 1e9);
    // what the tensors themselves needed at the worst moment of a step, and
    // what the process held (tensors, the block cache, code, small buffers)
    // (MB = 10^6 bytes, as the GB = 10^9)
    bench::record("gpt124m_train_step_peak_tensor_mb",
                  static_cast<double>(storage_peak_bytes()) / 1e6, "MB");
    std::printf("  tensor memory now: %.0f MB in use, %.0f MB kept free for reuse\n",
                static_cast<double>(storage_live_bytes()) / 1e6,
                static_cast<double>(storage_cache_bytes()) / 1e6);
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    const double rss_mb = static_cast<double>(ru.ru_maxrss) * 1024.0 / 1e6;
    bench::record("gpt124m_train_step_peak_rss_mb", rss_mb, "MB");
    const double state_mb = 16.0 * static_cast<double>(ch04::count_parameters(cfg)) /
        1e6;  // weights, grads, two moments
    std::printf(
        "  peak memory: %.0f MB = %.0f MB of weights, gradients and AdamW moments + %.0f MB for the rest\n",
        rss_mb, state_mb, rss_mb - state_mb);
}
