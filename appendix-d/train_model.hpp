// Appendix D.4: the book's train_model, chapter 5's loop with the three
// extras: linear warmup, cosine decay and gradient clipping.
#pragma once
#include <string>
#include <vector>

#include "gpt2_bpe.hpp"
#include "gpt_dataset.hpp"
#include "gpt_model.hpp"
#include "optim.hpp"

namespace llm::appendix_d {

struct TrainModelResult {
    std::vector<double> train_losses, val_losses, track_tokens_seen, track_lrs;
};

// Not in the book: a live progress line on stderr, and a stop after a given
// number of iterations that keeps the schedule of all n_epochs (so the first
// lines of a long run can be had quickly).
struct TrainModelExtras {
    bool progress_line = false;
    int64_t max_iters = 0;  // 0: run every epoch
};

TrainModelResult train_model(ch04::GPTModel& model, const ch02::GPTDataLoader& train_loader,
                             const ch02::GPTDataLoader& val_loader, AdamW& optimizer,
                             int64_t n_epochs, int64_t eval_freq, int64_t eval_iter,
                             const std::string& start_context, const ch02::GPT2Tokenizer& tokenizer,
                             int64_t warmup_steps, double initial_lr = 3e-05, double min_lr = 1e-6,
                             const TrainModelExtras& extras = {});

}  // namespace llm::appendix_d
