// Section 5.2: the training loop (listing 5.3, train_model_simple), with
// the extras of appendix D as options: linear warmup, cosine decay and
// gradient clipping. Also: a progress line on terminals, Ctrl-C handling
// (finish the step, save a resumable checkpoint) and a stop on NaN loss.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint.hpp"
#include "data_parallel.hpp"
#include "gpt_dataset.hpp"
#include "loss.hpp"
#include "gpt_model.hpp"
#include "optim.hpp"

namespace llm::ch05 {

// Appendix D's learning-rate schedule (off by default, as in train_model_simple).
struct LrSchedule {
    int64_t warmup_steps = 0;  // linear warmup from initial_lr to the optimizer's lr
    double initial_lr = 3e-5;
    bool cosine_decay = false;  // then cosine decay to min_lr
    double min_lr = 1e-6;
    bool on() const { return warmup_steps > 0 || cosine_decay; }
};

struct TrainOptions {
    int64_t num_epochs = 10;
    int64_t eval_freq = 5;  // evaluate every eval_freq steps
    int64_t eval_iter = 5;  // batches per evaluation
    std::string start_context = "Every effort moves you";
    int64_t sample_tokens = 50;  // greedy sample printed after each epoch
    // Appendix D (off by default, as in train_model_simple)
    LrSchedule schedule;
    float max_grad_norm = 0.0f;  // > 0: clip after warmup (the corrected variant, see the notes)
    // Where a Ctrl-C checkpoint goes (empty: no checkpoint on interrupt).
    std::filesystem::path checkpoint_dir;
    bool progress_line = false;  // a live \r line (only sensible on a terminal)
    std::function<void(const std::string&)> print = nullptr;  // log lines (default: stdout)
    // Appendix A.9: this process is one of several training together (null: alone).
    DataParallel* data_parallel = nullptr;
};

struct TrainResult {
    std::vector<double> train_losses, val_losses, track_tokens_seen, track_lrs;
    int64_t steps = 0;  // optimizer steps taken in this call
    bool interrupted = false;  // stopped by Ctrl-C after saving a checkpoint
    TrainingState final_state;
};

// Appendix D's learning-rate schedule, a pure function of the step: linear
// warmup (initial_lr -> peak_lr over warmup_steps), then constant, or with
// cosine_decay half a cosine down to min_lr at total_steps.
// Shared by this loop and appendix D's train_model.
double get_lr(int64_t global_step, double peak_lr, int64_t total_steps, const LrSchedule& s);

// evaluate_model: eval mode, no grad, mean loss over eval_iter batches of each loader, back to train mode.
std::pair<double, double> evaluate_model(ch04::GPTModel& model, const TokenLoader& train_loader,
                                         const TokenLoader& val_loader, int64_t eval_iter);
// generate_and_print_sample: 50 greedy tokens after start_context, newlines shown as spaces.
std::string generate_sample(ch04::GPTModel& model, const ch02::GPT2Tokenizer& tokenizer,
                            const std::string& start_context, int64_t max_new_tokens = 50);

// Trains in place. `resume` continues from a checkpoint's state exactly.
TrainResult train_model_simple(ch04::GPTModel& model, const TokenLoader& train_loader,
                               const TokenLoader& val_loader, AdamW& optimizer,
                               const ch02::GPT2Tokenizer& tokenizer, const TrainOptions& options,
                               const TrainingState* resume = nullptr);

// Installs a SIGINT handler that asks the loop to stop after the current step.
void install_interrupt_handler();
// SIGTERM too (what mpirun sends its ranks when it is stopped).
void install_terminate_as_interrupt();
bool interrupt_requested();
void request_interrupt();  // what the handler does; tests call it directly
void clear_interrupt();  // handled (a loop that saved its checkpoint)

}  // namespace llm::ch05
