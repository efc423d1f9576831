// BENCH gpt124m_finetune_step_*: one chapter 6 finetuning step of GPT-2 124M
// (context 1024, qkv bias, the 2-class head) on a batch of 8 x 120 tokens:
// forward, last-token cross-entropy, backward, AdamW. Once with the book's
// freezing (last block, final LayerNorm and head trainable) and once with
// every parameter trainable (exercise 6.2): time and memory, so the cost of
// what is frozen can be read off (nothing, if freezing works).
// notes/tools/ch06_side_by_side.sh runs it alternately with the book's PyTorch
// code on the same machine.
#include <cstdlib>

#include "blas.hpp"
#include "blas_startup.hpp"
#include "finetune_step_bench.hpp"

using namespace llm;
using namespace llm::ch06;

namespace {

void measure(Trainable trainable, const char* name, int reps) {
    manual_seed(123);
    GPTModel model(gpt2_small_for_finetuning());
    add_classification_head(model, 2, trainable);
    AdamW opt(model.parameters(), 5e-5f, 0.1f);
    record_finetune_step(model, opt, std::string("gpt124m_finetune_step_b8t120_") + name, reps);
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
    bench::record("fma_peak_gflops", bench::fma_peak_gflops(), "GFLOP/s");
    bench::record("sgemm_gflops", bench::sgemm_gflops(), "GFLOP/s");
    measure(Trainable::LastBlock, "last_block", reps);
    measure(Trainable::All, "all", reps);
}
