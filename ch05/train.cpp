#include "train.hpp"

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <numbers>

#include "autograd.hpp"
#include "bench.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "loss.hpp"
#include "random.hpp"
#include "text_ids.hpp"

namespace llm::ch05 {

namespace {
std::atomic<bool> g_interrupt{false};
extern "C" void on_sigint(int) { g_interrupt.store(true); }
}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }
void install_terminate_as_interrupt() { std::signal(SIGTERM, on_sigint); }
bool interrupt_requested() { return g_interrupt.load(); }
void request_interrupt() { g_interrupt.store(true); }
void clear_interrupt() { g_interrupt.store(false); }

std::pair<double, double> evaluate_model(ch04::GPTModel& model, const TokenLoader& train_loader,
                                         const TokenLoader& val_loader, int64_t eval_iter) {
    model.eval();
    NoGradGuard no_grad;
    const double train_loss = calc_loss_loader(train_loader, model, eval_iter);
    const double val_loss = calc_loss_loader(val_loader, model, eval_iter);
    model.train();
    return {train_loss, val_loss};
}

std::string generate_sample(ch04::GPTModel& model, const ch02::GPT2Tokenizer& tokenizer,
                            const std::string& start_context, int64_t max_new_tokens) {
    model.eval();
    const int64_t context_size = model.pos_emb->weight.size(0);
    const IntTensor encoded = text_to_token_ids(start_context, tokenizer);
    const IntTensor out = ch04::generate_text_cached(model, encoded, max_new_tokens, context_size);
    std::string text = token_ids_to_text(out, tokenizer);
    for (auto& c : text)
        if (c == '\n') c = ' ';  // compact print format
    model.train();
    return text;
}

// Appendix D's schedule as one pure function of the step (nanoGPT's get_lr):
// linear warmup from initial_lr to peak_lr over warmup_steps, then (with
// cosine decay) half a cosine down to min_lr at the last step.
double get_lr(int64_t global_step, double peak_lr, int64_t total_steps, const LrSchedule& o) {
    if (global_step < o.warmup_steps)
        return o.initial_lr +
            static_cast<double>(global_step) * (peak_lr - o.initial_lr) /
            static_cast<double>(o.warmup_steps);
    if (!o.cosine_decay) return peak_lr;
    const double progress = static_cast<double>(global_step - o.warmup_steps) /
        static_cast<double>(std::max<int64_t>(1, total_steps - o.warmup_steps));
    return o.min_lr + (peak_lr - o.min_lr) * 0.5 * (1 + std::cos(std::numbers::pi * progress));
}

namespace {

void check_finite(float loss, const TrainingState& s) {
    if (std::isfinite(loss)) return;
    throw ValueError("training stopped: the loss is " +
                     std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " +
                     std::to_string(s.global_step) + " (epoch " + std::to_string(s.epoch + 1) +
                     "); no checkpoint was written, so the last one saved is kept");
}

// The live line on a terminal: epoch, step, loss, tokens per second, time left.
struct Progress {
    bool on;
    double t_start = bench::now();
    int64_t tokens_at_start;
    void clear() const {
        if (on) std::fprintf(stderr, "\r\033[K");
    }
    void show(const TrainingState& s, const TrainOptions& o, int64_t steps_per_epoch,
              int64_t steps_done, float loss) const {
        if (!on) return;
        const double elapsed = bench::now() - t_start;
        const int64_t total = steps_per_epoch * o.num_epochs;
        const int64_t done = s.epoch * steps_per_epoch + s.step_in_epoch + 1;
        std::fprintf(
            stderr,
            "\r\033[Kepoch %lld/%lld  step %lld/%lld  loss %.3f  %.0f tokens/s  %.0f s left",
            static_cast<long long>(s.epoch + 1), static_cast<long long>(o.num_epochs),
            static_cast<long long>(done), static_cast<long long>(total), static_cast<double>(loss),
            static_cast<double>(s.tokens_seen - tokens_at_start) / std::max(elapsed, 1e-9),
            elapsed / static_cast<double>(steps_done) * static_cast<double>(total - done));
        std::fflush(stderr);
    }
};

// The result, written once: the losses and tokens so far, and where to resume.
TrainResult result_of(TrainingState s, int64_t steps, bool interrupted) {
    s.rng_state = default_generator().state();
    TrainResult r;
    r.train_losses = s.train_losses;
    r.val_losses = s.val_losses;
    r.track_tokens_seen = s.track_tokens_seen;
    r.steps = steps;
    r.interrupted = interrupted;
    r.final_state = std::move(s);
    return r;
}

// Ctrl-C: the step just taken is done; save a checkpoint that resumes after it.
void save_on_interrupt(ch04::GPTModel& model, AdamW& optimizer, TrainingState& s,
                       const TrainOptions& o, bool leader,
                       const std::function<void(const std::string&)>& print) {
    g_interrupt.store(false);  // handled
    if (++s.step_in_epoch == static_cast<int64_t>(s.epoch_batches.size())) {
        ++s.epoch;
        s.step_in_epoch = 0;
        s.epoch_batches.clear();
    }
    s.rng_state = default_generator().state();
    if (!leader) return;  // rank 0 alone writes the checkpoint
    const std::string step = "Interrupted after step " + std::to_string(s.global_step);
    if (o.checkpoint_dir.empty()) return print(step + " (no checkpoint folder given)");
    save_checkpoint(model, optimizer, s, o.checkpoint_dir);
    print(step + "; saved a resumable checkpoint in " + o.checkpoint_dir.string() +
          " (continue with --resume " + o.checkpoint_dir.string() + ")");
}

std::string log_line(int64_t epoch, int64_t global_step, double train_loss, double val_loss) {
    char line[128];
    std::snprintf(line, sizeof line, "Ep %lld (Step %06lld): Train loss %.3f, Val loss %.3f",
                  static_cast<long long>(epoch + 1), static_cast<long long>(global_step),
                  train_loss, val_loss);
    return line;
}

}  // namespace

// Listing 5.3, in its order; the extras (appendix D's schedule and clipping,
// resuming, Ctrl-C, the progress line, the NaN stop) are the named helpers above.
TrainResult train_model_simple(ch04::GPTModel& model, const TokenLoader& train_loader,
                               const TokenLoader& val_loader, AdamW& optimizer,
                               const ch02::GPT2Tokenizer& tokenizer, const TrainOptions& o,
                               const TrainingState* resume) {
    if (o.num_epochs < 0 || o.eval_freq <= 0 || o.eval_iter <= 0)
        throw ValueError(
            "train_model_simple: num_epochs must be >= 0, eval_freq and eval_iter > 0");
    if (train_loader.size() == 0)
        throw ValueError("train_model_simple: the training loader has no batches");
    auto print = o.print ? o.print : [](const std::string& line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    };
    TrainingState s;  // train_losses, val_losses, track_tokens_seen, tokens_seen, global_step = -1
    if (resume) {
        s = *resume;
        default_generator().set_state(s.rng_state);
    }
    const double peak_lr = optimizer.lr;
    const auto params = model.parameters();
    DataParallel* dp = o.data_parallel && o.data_parallel->active() ? o.data_parallel : nullptr;
    const bool leader = !dp || dp->leader();  // evaluates, prints, samples, saves
    const Progress progress{o.progress_line && leader, bench::now(), s.tokens_seen};
    int64_t steps = 0;
    std::vector<double> track_lrs;
    for (; s.epoch < o.num_epochs; ++s.epoch) {
        model.train();
        if (!resume || s.step_in_epoch == 0 || s.epoch_batches.empty()) {
            s.epoch_batches = train_loader.epoch_indices();  // draws as PyTorch's iterator does
            if (dp) dp->broadcast_order(s.epoch_batches);  // A.9: every rank follows rank 0's
            s.step_in_epoch = 0;
        }
        resume = nullptr;
        for (; s.step_in_epoch < static_cast<int64_t>(s.epoch_batches.size()); ++s.step_in_epoch) {
            const auto& indices = s.epoch_batches[static_cast<size_t>(s.step_in_epoch)];
            const auto batch = train_loader.make_batch(dp ? dp->share(indices) : indices);
            optimizer.zero_grad();  // reset the gradients of the previous step
            ++s.global_step;
            if (o.schedule.on()) {
                optimizer.lr = static_cast<float>(
                    get_lr(s.global_step, peak_lr, train_loader.size() * o.num_epochs, o.schedule));
                track_lrs.push_back(optimizer.lr);
            }
            const Tensor loss = calc_loss_batch(batch.inputs, batch.targets, model);
            if (!std::isfinite(loss.item())) optimizer.lr = static_cast<float>(peak_lr);
            check_finite(loss.item(), s);
            loss.backward();  // gradients
            if (dp)  // A.9: the whole batch's gradient on every rank
                dp->average_gradients(params, batch.inputs.size(0),
                                      static_cast<int64_t>(indices.size()));
            if (o.max_grad_norm > 0 && s.global_step >= o.schedule.warmup_steps)
                clip_grad_norm_(params, o.max_grad_norm);
            optimizer.step();  // update the weights
            s.tokens_seen += static_cast<int64_t>(indices.size()) * batch.inputs.size(1);
            ++steps;
            if (s.global_step % o.eval_freq == 0 && leader) {  // evaluation
                const auto [train_loss, val_loss] =
                    evaluate_model(model, train_loader, val_loader, o.eval_iter);
                s.train_losses.push_back(train_loss);
                s.val_losses.push_back(val_loss);
                s.track_tokens_seen.push_back(static_cast<double>(s.tokens_seen));
                progress.clear();
                print(log_line(s.epoch, s.global_step, train_loss, val_loss));
            }
            progress.show(s, o, train_loader.size(), steps, loss.item());
            if (dp ? dp->any(interrupt_requested()) : interrupt_requested()) {
                progress.clear();
                save_on_interrupt(model, optimizer, s, o, leader, print);
                TrainResult r = result_of(s, steps, true);
                r.track_lrs = track_lrs;
                return r;
            }
        }
        progress.clear();
        if (o.sample_tokens > 0 && leader)
            print(generate_sample(model, tokenizer, o.start_context, o.sample_tokens));
        s.step_in_epoch = 0;
        s.epoch_batches.clear();
    }
    optimizer.lr = static_cast<float>(peak_lr);
    TrainResult r = result_of(s, steps, false);
    r.track_lrs = track_lrs;
    return r;
}

}  // namespace llm::ch05
