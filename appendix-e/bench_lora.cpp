// BENCH gpt124m_lora_step_*: one appendix E finetuning step of GPT-2 124M (the
// chapter 6 classifier, everything frozen, LoRA rank 16 / alpha 16 on every
// Linear) on a batch of 8 x 120 tokens: forward, last-token cross-entropy,
// backward, AdamW; time, memory and the bytes of AdamW's moments (only the
// LoRA parameters have them). Chapter 6's last-block step beside it is
// bench_finetune; notes/tools/ch06_side_by_side.sh runs both, alternately
// with the book's PyTorch code.
#include <cstdlib>

#include "blas.hpp"
#include "blas_startup.hpp"
#include "finetune_step_bench.hpp"
#include "lora.hpp"

using namespace llm;
using namespace llm::ch06;

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
    bench::record("fma_peak_gflops", bench::fma_peak_gflops(), "GFLOP/s");
    bench::record("sgemm_gflops", bench::sgemm_gflops(), "GFLOP/s");
    manual_seed(123);
    GPTModel model(gpt2_small_for_finetuning());
    add_classification_head(model, 2, Trainable::Head);
    for (Tensor p : model.parameters()) p.requires_grad_(false);
    appendix_e::replace_linear_with_lora(model, 16, 16.0);
    AdamW opt(model.parameters(), 8e-4f, 0.1f);
    record_finetune_step(model, opt, "gpt124m_lora_step_b8t120", reps);
}
