#include "train.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <numbers>

#include "autograd.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "loss.hpp"
#include "random.hpp"
#include "text_ids.hpp"

namespace llm::ch05 {

namespace {
std::atomic<bool> g_interrupt{false};
extern "C" void on_sigint(int) { g_interrupt.store(true); }
double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }
bool interrupt_requested() { return g_interrupt.load(); }
void request_interrupt() { g_interrupt.store(true); }

std::pair<double, double> evaluate_model(ch04::GPTModel& model,
                                         const ch02::GPTDataLoader& train_loader,
                                         const ch02::GPTDataLoader& val_loader, int64_t eval_iter) {
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

TrainResult train_model_simple(ch04::GPTModel& model, const ch02::GPTDataLoader& train_loader,
                               const ch02::GPTDataLoader& val_loader, AdamW& optimizer,
                               const ch02::GPT2Tokenizer& tokenizer, const TrainOptions& o,
                               const TrainingState* resume) {
    if (o.num_epochs < 0 || o.eval_freq <= 0 || o.eval_iter <= 0)
        throw ValueError(
            "train_model_simple: num_epochs must be >= 0, eval_freq and eval_iter > 0");
    if (train_loader.size() == 0)
        throw ValueError("train_model_simple: the training loader has no batches");
    auto print = o.print ? o.print : [](const std::string& s) {
        std::printf("%s\n", s.c_str());
        std::fflush(stdout);
    };
    TrainResult r;
    TrainingState s;
    if (resume) {
        s = *resume;
        default_generator().set_state(s.rng_state);
    }
    const double peak_lr = optimizer.lr;
    const int64_t total_steps = train_loader.size() * o.num_epochs;
    const auto params = model.parameters();
    const double t_start = now();
    int64_t tokens_at_start = s.tokens_seen;
    model.train();
    for (; s.epoch < o.num_epochs; ++s.epoch) {
        if (!resume || s.step_in_epoch == 0 || s.epoch_batches.empty()) {
            s.epoch_batches = train_loader.epoch_indices();  // draws as PyTorch's iterator does
            s.step_in_epoch = 0;
        }
        resume = nullptr;
        for (; s.step_in_epoch < static_cast<int64_t>(s.epoch_batches.size()); ++s.step_in_epoch) {
            const auto batch =
                train_loader.make_batch(s.epoch_batches[static_cast<size_t>(s.step_in_epoch)]);
            optimizer.zero_grad();  // reset the gradients of the previous step
            ++s.global_step;
            if (o.warmup_steps > 0 || o.cosine_decay) {  // appendix D's schedule
                double lr = peak_lr;
                if (s.global_step < o.warmup_steps)
                    lr = o.initial_lr +
                        static_cast<double>(s.global_step) * (peak_lr - o.initial_lr) /
                            static_cast<double>(o.warmup_steps);
                else if (o.cosine_decay) {
                    const double progress = static_cast<double>(s.global_step - o.warmup_steps) /
                        static_cast<double>(std::max<int64_t>(1, total_steps - o.warmup_steps));
                    lr = o.min_lr +
                        (peak_lr - o.min_lr) * 0.5 * (1 + std::cos(std::numbers::pi * progress));
                }
                optimizer.lr = static_cast<float>(lr);
                r.track_lrs.push_back(lr);
            }
            const Tensor loss = calc_loss_batch(batch.inputs, batch.targets, model);
            const float lv = loss.item();
            if (!std::isfinite(lv)) {
                optimizer.lr = static_cast<float>(peak_lr);
                throw ValueError("training stopped: the loss is " +
                                 std::string(std::isnan(lv) ? "NaN" : "infinite") + " at step " +
                                 std::to_string(s.global_step) + " (epoch " +
                                 std::to_string(s.epoch + 1) +
                                 "); no checkpoint was written, so the last one saved is kept");
            }
            loss.backward();  // gradients
            if (o.max_grad_norm > 0 && s.global_step >= o.warmup_steps)
                clip_grad_norm_(params, o.max_grad_norm);
            optimizer.step();  // update the weights
            s.tokens_seen += batch.inputs.numel();
            ++r.steps;
            if (s.global_step % o.eval_freq == 0) {
                const auto [train_loss, val_loss] =
                    evaluate_model(model, train_loader, val_loader, o.eval_iter);
                s.train_losses.push_back(train_loss);
                s.val_losses.push_back(val_loss);
                s.track_tokens_seen.push_back(static_cast<double>(s.tokens_seen));
                char line[128];
                std::snprintf(line, sizeof line,
                              "Ep %lld (Step %06lld): Train loss %.3f, Val loss %.3f",
                              static_cast<long long>(s.epoch + 1),
                              static_cast<long long>(s.global_step), train_loss, val_loss);
                if (o.progress_line) std::fprintf(stderr, "\r\033[K");
                print(line);
            }
            if (o.progress_line) {
                const double elapsed = now() - t_start;
                const double tps =
                    static_cast<double>(s.tokens_seen - tokens_at_start) / std::max(elapsed, 1e-9);
                const int64_t done = s.epoch * train_loader.size() + s.step_in_epoch + 1;
                const double eta = elapsed / static_cast<double>(r.steps) *
                    static_cast<double>(total_steps - done);
                std::fprintf(
                    stderr,
                    "\r\033[Kepoch %lld/%lld  step %lld/%lld  loss %.3f  %.0f tokens/s  %.0f s left",
                    static_cast<long long>(s.epoch + 1), static_cast<long long>(o.num_epochs),
                    static_cast<long long>(done), static_cast<long long>(total_steps),
                    static_cast<double>(lv), tps, eta);
                std::fflush(stderr);
            }
            if (interrupt_requested()) {
                g_interrupt.store(false);  // handled
                ++s.step_in_epoch;  // this step is done
                if (s.step_in_epoch == static_cast<int64_t>(s.epoch_batches.size())) {
                    ++s.epoch;
                    s.step_in_epoch = 0;
                    s.epoch_batches.clear();
                }
                s.rng_state = default_generator().state();
                if (o.progress_line) std::fprintf(stderr, "\r\033[K");
                if (!o.checkpoint_dir.empty()) {
                    save_checkpoint(model, optimizer, s, o.checkpoint_dir);
                    print("Interrupted after step " + std::to_string(s.global_step) +
                          "; saved a resumable checkpoint in " + o.checkpoint_dir.string() +
                          " (continue with --resume " + o.checkpoint_dir.string() + ")");
                } else {
                    print("Interrupted after step " + std::to_string(s.global_step) +
                          " (no checkpoint folder given)");
                }
                r.interrupted = true;
                r.final_state = s;
                r.train_losses = s.train_losses;
                r.val_losses = s.val_losses;
                r.track_tokens_seen = s.track_tokens_seen;
                return r;
            }
        }
        if (o.progress_line) std::fprintf(stderr, "\r\033[K");
        if (o.sample_tokens > 0)
            print(generate_sample(model, tokenizer, o.start_context, o.sample_tokens));
        s.step_in_epoch = 0;
        s.epoch_batches.clear();
    }
    optimizer.lr = static_cast<float>(peak_lr);
    s.rng_state = default_generator().state();
    r.final_state = s;
    r.train_losses = s.train_losses;
    r.val_losses = s.val_losses;
    r.track_tokens_seen = s.track_tokens_seen;
    return r;
}

}  // namespace llm::ch05
