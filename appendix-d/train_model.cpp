#include "train_model.hpp"

#include <cstdio>

#include "bench.hpp"
#include "error.hpp"
#include "loss.hpp"
#include "train.hpp"

namespace llm::appendix_d {

TrainModelResult train_model(ch04::GPTModel& model, const ch02::GPTDataLoader& train_loader,
                             const ch02::GPTDataLoader& val_loader, AdamW& optimizer,
                             int64_t n_epochs, int64_t eval_freq, int64_t eval_iter,
                             const std::string& start_context, const ch02::GPT2Tokenizer& tokenizer,
                             int64_t warmup_steps, double initial_lr, double min_lr,
                             const TrainModelExtras& extras) {
    if (n_epochs < 0 || eval_freq <= 0 || eval_iter <= 0 || warmup_steps < 0)
        throw ValueError(
            "train_model: n_epochs and warmup_steps must be >= 0, eval_freq and eval_iter > 0");
    TrainModelResult r;  // train_losses, val_losses, track_tokens_seen, track_lrs
    int64_t tokens_seen = 0, global_step = -1;
    const double peak_lr = optimizer.lr;  // the optimizer's learning rate is the peak
    const int64_t total_training_steps = train_loader.size() * n_epochs;
    const ch05::LrSchedule schedule{warmup_steps, initial_lr, true, min_lr};
    const auto params = model.parameters();
    const double t_start = bench::now();
    for (int64_t epoch = 0; epoch < n_epochs; ++epoch) {
        model.train();
        for (const auto& indices : train_loader.epoch_indices()) {
            const auto batch = train_loader.make_batch(indices);
            optimizer.zero_grad();
            global_step += 1;
            // warmup, then cosine decay: chapter 5's get_lr, one function for both
            const double lr = ch05::get_lr(global_step, peak_lr, total_training_steps, schedule);
            optimizer.lr = static_cast<float>(lr);  // for param_group in optimizer.param_groups
            r.track_lrs.push_back(lr);
            const Tensor loss = ch05::calc_loss_batch(batch.inputs, batch.targets, model);
            loss.backward();
            // The printed book clips only when global_step > warmup_steps, one step
            // later than it says; the corrected condition is >= (notes: errata).
            if (global_step >= warmup_steps) clip_grad_norm_(params, 1.0f);
            optimizer.step();
            tokens_seen += batch.inputs.numel();
            if (global_step % eval_freq == 0) {
                const auto [train_loss, val_loss] =
                    ch05::evaluate_model(model, train_loader, val_loader, eval_iter);
                r.train_losses.push_back(train_loss);
                r.val_losses.push_back(val_loss);
                r.track_tokens_seen.push_back(static_cast<double>(tokens_seen));
                if (extras.progress_line) std::fprintf(stderr, "\r\033[K");
                std::printf("Ep %lld (Iter %06lld): Train loss %.3f, Val loss %.3f\n",
                            static_cast<long long>(epoch + 1), static_cast<long long>(global_step),
                            train_loss, val_loss);
                std::fflush(stdout);
            }
            if (extras.progress_line) {
                const double elapsed = bench::now() - t_start;
                std::fprintf(stderr, "\r\033[Kiter %lld/%lld  lr %.2e  loss %.3f  %.0f s left",
                             static_cast<long long>(global_step + 1),
                             static_cast<long long>(total_training_steps), lr,
                             static_cast<double>(loss.item()),
                             elapsed / static_cast<double>(global_step + 1) *
                                 static_cast<double>(total_training_steps - global_step - 1));
                std::fflush(stderr);
            }
            if (extras.max_iters > 0 && global_step + 1 >= extras.max_iters) {
                if (extras.progress_line) std::fprintf(stderr, "\r\033[K");
                optimizer.lr = static_cast<float>(peak_lr);
                return r;
            }
        }
        if (extras.progress_line) std::fprintf(stderr, "\r\033[K");
        // generate_and_print_sample: 50 greedy tokens, newlines shown as spaces
        std::printf("%s\n", ch05::generate_sample(model, tokenizer, start_context).c_str());
        std::fflush(stdout);
    }
    optimizer.lr = static_cast<float>(peak_lr);
    return r;
}

}  // namespace llm::appendix_d
