// BENCH gpt124m_lora_step_*: one appendix E finetuning step of GPT-2 124M (the
// chapter 6 classifier, everything frozen, LoRA rank 16 / alpha 16 on every
// Linear) on a batch of 8 x 120 tokens: forward, last-token cross-entropy,
// backward, AdamW. Beside it chapter 6's last-block step, in the same run.
// Recorded: time, the tensors' peak memory, the process's peak resident
// memory (first configuration only) and the bytes of AdamW's moments.
// notes/tools/ch06_side_by_side.sh compares both with the book's PyTorch code.
#include <sys/resource.h>

#include <cstdio>

#include "bench.hpp"
#include "blas.hpp"
#include "classifier.hpp"
#include "lora.hpp"
#include "optim.hpp"
#include "random.hpp"
#include "storage.hpp"

using namespace llm;
using namespace llm::ch06;

namespace {

void measure(bool lora, const char* name, int reps) {
    auto cfg = ch04::GPT_CONFIG_124M();
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    manual_seed(123);
    GPTModel model(cfg);
    if (lora) {
        add_classification_head(model, 2, Trainable::Head);
        for (Tensor p : model.parameters()) p.requires_grad_(false);
        appendix_e::replace_linear_with_lora(model, 16, 16.0);
    } else {
        add_classification_head(model, 2, Trainable::LastBlock);
    }
    AdamW opt(model.parameters(), lora ? 8e-4f : 5e-5f, 0.1f);
    const int64_t B = 8, T = 120;
    Generator g(1);
    std::vector<int64_t> x(static_cast<size_t>(B * T)), y(static_cast<size_t>(B));
    for (auto& v : x) v = g.random() % cfg.vocab_size;
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
    double best = 1e30;
    for (int i = 0; i < reps; ++i) {
        const double t0 = bench::now();
        step();
        best = std::min(best, bench::now() - t0);
    }
    const std::string prefix = std::string("gpt124m_") + name + "_step_b8t120";
    bench::record(prefix + "_s", best, "s");
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

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
    const std::string only = argc > 2 ? argv[2] : "";
    bench::record("sgemm_gflops", bench::sgemm_gflops(), "GFLOP/s");
    if (only.empty() || only == "lora") measure(true, "lora", reps);
    if (only.empty() || only == "last_block") measure(false, "last_block", reps);
}
