// BENCH gpt124m_finetune_step_*: one chapter 6 finetuning step of GPT-2 124M
// (context 1024, qkv bias, the 2-class head) on a batch of 8 x 120 tokens:
// forward, last-token cross-entropy, backward, AdamW. Once with the book's
// freezing (last block, final LayerNorm and head trainable) and once with
// every parameter trainable (exercise 6.2): time and the tensors' peak memory,
// so the cost of what is frozen can be read off (nothing, if freezing works).
// notes/tools/ch06_side_by_side.sh runs it alternately with the book's PyTorch
// code on the same machine.
#include <sys/resource.h>

#include <cstdio>

#include "bench.hpp"
#include "blas.hpp"
#include "classifier.hpp"
#include "optim.hpp"
#include "random.hpp"
#include "storage.hpp"

using namespace llm;
using namespace llm::ch06;

namespace {

void measure(Trainable trainable, const char* name, int reps) {
    auto cfg = ch04::GPT_CONFIG_124M();
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    manual_seed(123);
    GPTModel model(cfg);
    add_classification_head(model, 2, trainable);
    AdamW opt(model.parameters(), 5e-5f, 0.1f);
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
    const double t0 = bench::now();
    for (int i = 0; i < reps; ++i) step();
    const double dt = (bench::now() - t0) / reps;
    bench::record(std::string("gpt124m_finetune_step_b8t120_") + name + "_s", dt, "s");
    bench::record(std::string("gpt124m_finetune_step_b8t120_") + name + "_peak_tensor_mb",
                  static_cast<double>(storage_peak_bytes()) / 1e6, "MB");
    // The process's peak resident memory so far, comparable with PyTorch's
    // ru_maxrss (notes/tools/pytorch_book_gpt.py finetune); meaningful for the
    // first configuration measured, an upper bound after it.
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    bench::record(std::string("gpt124m_finetune_") + name + "_peak_rss_mb",
                  static_cast<double>(ru.ru_maxrss) * 1024 / 1e6, "MB");
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
    bench::record("sgemm_gflops", bench::sgemm_gflops(), "GFLOP/s");
    measure(Trainable::LastBlock, "last_block", reps);
    measure(Trainable::All, "all", reps);
}
