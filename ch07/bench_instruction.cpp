// BENCH gpt{124m,355m}_instruction_step_*: one chapter 7 finetuning step
// (every parameter trainable, AdamW lr 5e-5, weight decay 0.1) on the
// book's first training batch: the loaders of section 7.4 after
// manual_seed(123), custom_collate_fn, cross-entropy that skips the -100
// targets. GPT-2 124M and 355M as chapter 7 builds them (context 1024, qkv
// bias, no dropout), random weights (the speed does not depend on them).
// BENCH responses_*: section 7.7's responses of GPT-2 124M to the first 32 test
// prompts, 128 new tokens each, greedy, batched (16 at a time as the ch07
// program does: one KV cache per sequence, the products stacked)
// against one by one (the book's generate), in new tokens per second; no
// end-of-text stop, so both make the same number of tokens.
// notes/tools/ch07_side_by_side.sh runs it alternately with the book's
// PyTorch code on the same machine.
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "bench.hpp"
#include "blas.hpp"
#include "blas_startup.hpp"
#include "decoding.hpp"
#include "instruction_finetuning.hpp"
#include "optim.hpp"
#include "paths.hpp"
#include "prompt_styles.hpp"
#include "random.hpp"
#include "responses_batched_fused.hpp"
#include "storage.hpp"
#include "text_ids.hpp"

using namespace llm;
using namespace llm::ch07;

namespace {

ch04::GPTConfig chapter7_config(const std::string& size) {
    auto cfg = ch04::gpt2_config(size);
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    return cfg;
}

void record_peak_rss(const std::string& name) {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    bench::record(name, static_cast<double>(ru.ru_maxrss) * 1024 / 1e6, "MB");
}

void measure_step(const std::string& size, const char* name, const ch05::TokenLoader::Batch& batch,
                  int reps) {
    manual_seed(123);
    ch04::GPTModel model(chapter7_config(size));
    AdamW opt(model.parameters(), 5e-5f, 0.1f);
    model.train();
    auto step = [&] {
        opt.zero_grad();
        const Tensor loss = ch05::calc_loss_batch(batch.inputs, batch.targets, model);
        loss.backward();
        opt.step();
    };
    step();  // warm-up, and AdamW's moments
    storage_reset_peak();
    const double best = bench::fastest_of(reps, step);
    const std::string prefix = std::string(name) + "_instruction_step_b" +
        std::to_string(batch.inputs.size(0)) + "t" + std::to_string(batch.inputs.size(1));
    bench::record(prefix + "_s", best, "s");
    bench::record_shares(prefix, bench::flops_of(step), best);
    bench::record(prefix + "_tokens_per_s",
                  static_cast<double>(batch.inputs.size(0) * batch.inputs.size(1)) / best,
                  "tokens/s");
    bench::record(prefix + "_peak_tensor_mb", static_cast<double>(storage_peak_bytes()) / 1e6,
                  "MB");
}

void measure_responses(const std::vector<Entry>& test, size_t n, int64_t new_tokens) {
    manual_seed(123);
    ch04::GPTModel model(chapter7_config("small"));
    model.eval();
    const auto& tok = ch02::gpt2_tokenizer();
    std::vector<std::vector<int64_t>> prompts;
    for (size_t i = 0; i < std::min(n, test.size()); ++i)
        prompts.push_back(tok.encode(format_input(test[i]), {"<|endoftext|>"}));
    const double tokens = static_cast<double>(prompts.size()) * static_cast<double>(new_tokens);
    const std::string what = std::to_string(prompts.size()) + "x" + std::to_string(new_tokens);

    double t0 = bench::now();
    const auto batched = generate_greedy_batched(model, prompts, new_tokens, /*eos_id=*/-1,
                                                 /*batch_size=*/16);  // the ch07 program's default
    const double batched_s = bench::now() - t0;

    t0 = bench::now();
    for (const auto& p : prompts) {
        ch05::GenerateOptions o;
        o.max_new_tokens = new_tokens;
        o.context_size = model.cfg.context_length;
        ch05::generate(model, IntTensor({1, static_cast<int64_t>(p.size())}, p), o);
    }
    const double one_s = bench::now() - t0;
    bench::record("responses_batched_" + what + "_tokens_per_s", tokens / batched_s, "tokens/s");
    bench::record("responses_one_by_one_" + what + "_tokens_per_s", tokens / one_s, "tokens/s");
    bench::record("responses_batched_speedup", one_s / batched_s, "x");
    (void)batched;
}

}  // namespace

// bench_instruction [reps] [sizes: small,medium]
int main(int argc, char** argv) {
    blas_startup(argc, argv);
    const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
    const std::string sizes = argc > 2 ? argv[2] : "small,medium";
    bench::record("fma_peak_gflops", bench::fma_peak_gflops(), "GFLOP/s");
    bench::record("sgemm_gflops", bench::sgemm_gflops(), "GFLOP/s");

    const auto split =
        split_instruction_data(load_instruction_data(data_dir() / "instruction-data.json"));
    const InstructionLoaders loaders = make_instruction_loaders(split, PromptStyle::Alpaca);
    const ch05::TokenLoader train = token_loader(loaders.train_loader, loaders.allowed_max_length);
    const auto batch = train.make_batch(train.epoch_indices().front());  // [8, 61] in the book

    if (sizes.find("small") != std::string::npos) measure_step("small", "gpt124m", batch, reps);
    if (sizes.find("medium") != std::string::npos) measure_step("medium", "gpt355m", batch, reps);
    record_peak_rss("instruction_step_peak_rss_mb");
    measure_responses(split.test, 32, 128);
}
