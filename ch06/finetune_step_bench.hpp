// For the benchmarks of chapter 6 and appendix E: one finetuning step of a
// classifier (forward, last-token cross-entropy, backward, AdamW) on a random
// batch of 8 x 120 tokens, timed (the fastest of reps, after a warm-up step)
// and recorded with the tensors' peak memory, the bytes of AdamW's moments
// and the process's peak resident memory so far (comparable with PyTorch's
// ru_maxrss; meaningful for the first configuration a process measures).
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench.hpp"
#include "classifier.hpp"
#include "optim.hpp"
#include "random.hpp"
#include "storage.hpp"

namespace llm::ch06 {

// GPT-2 124M as chapter 6 finetunes it: context 1024, qkv biases, no dropout.
inline ch04::GPTConfig gpt2_small_for_finetuning() {
    auto cfg = ch04::GPT_CONFIG_124M();
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    return cfg;
}

inline void record_finetune_step(GPTModel& model, AdamW& opt, const std::string& prefix, int reps) {
    const int64_t B = 8, T = 120;
    Generator g(1);
    std::vector<int64_t> x(static_cast<size_t>(B * T)), y(static_cast<size_t>(B));
    for (auto& v : x) v = g.random() % model.cfg.vocab_size;
    for (auto& v : y) v = g.random() % 2;
    const IntTensor in({B, T}, x), tg({B}, y);
    model.train();
    auto step = [&] {
        opt.zero_grad();
        const Tensor loss = calc_loss_batch(in, tg, model);
        loss.backward();
        opt.step();
    };
    step();  // warm-up (and the moments of what trains)
    storage_reset_peak();
    const double best = bench::fastest_of(reps, step);
    bench::record(prefix + "_s", best, "s");
    bench::record_shares(prefix, bench::flops_of(step), best);
    bench::record(prefix + "_peak_tensor_mb", static_cast<double>(storage_peak_bytes()) / 1e6,
                  "MB");
    int64_t moments = 0;
    for (const Tensor& m : opt.exp_avg())
        if (m.defined()) moments += 2 * m.numel() * 4;  // exp_avg and exp_avg_sq, float32
    bench::record(prefix + "_adamw_state_mb", static_cast<double>(moments) / 1e6, "MB");
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    bench::record(prefix + "_peak_rss_mb", static_cast<double>(ru.ru_maxrss) * 1024 / 1e6, "MB");
}

}  // namespace llm::ch06
