// Appendix D: adding bells and whistles to the training loop. The appendix
// in the book's order: the learning-rate warmup (D.1) and cosine decay (D.2)
// drawn step by step, gradient clipping on one batch (D.3), and the book's
// train_model with all three on the-verdict (D.4).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "blas_startup.hpp"
#include "cli_checks.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "gradient_clipping.hpp"
#include "loss.hpp"
#include "outputs.hpp"
#include "paths.hpp"
#include "plot.hpp"
#include "random.hpp"
#include "text_ids.hpp"
#include "train.hpp"
#include "train_model.hpp"
#include "walkthrough.hpp"

using namespace llm;
using namespace llm::appendix_d;
namespace fs = std::filesystem;

namespace {

// The book's figure: the learning rate at every step.
void plot_lrs(const fs::path& path, const std::vector<double>& lrs, const std::string& title) {
    std::vector<double> steps;
    for (size_t i = 0; i < lrs.size(); ++i) steps.push_back(static_cast<double>(i));
    Chart c;
    c.title = title;
    c.x_label = "Steps";
    c.y_label = "Learning rate";
    c.series.push_back({"Learning rate", steps, lrs});
    save_svg(path, c);
    std::printf("wrote %s\n", path.c_str());
}

// D.1 and D.2 only iterate the loader (drawing its shuffles, as PyTorch does)
// and record the rate the schedule gives each step; nothing is trained. The
// last batch is kept: D.3 computes its loss.
std::vector<double> track_lrs(const ch02::GPTDataLoader& train_loader, int64_t n_epochs,
                              double peak_lr, const ch05::LrSchedule& schedule,
                              ch02::GPTDatasetV1::Batch& last_batch) {
    std::vector<double> lrs;
    int64_t global_step = -1;
    const int64_t total_training_steps = train_loader.size() * n_epochs;
    for (int64_t epoch = 0; epoch < n_epochs; ++epoch)
        for (const auto& indices : train_loader.epoch_indices()) {
            last_batch = train_loader.make_batch(indices);
            global_step += 1;
            lrs.push_back(ch05::get_lr(global_step, peak_lr, total_training_steps, schedule));
        }
    return lrs;
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Appendix D: learning-rate warmup, cosine decay and gradient clipping"};
    std::string text_file = (data_dir() / "the-verdict.txt").string();
    fs::path out = "output/appendix-d";
    std::string until;
    int64_t max_iters = 0;
    app.add_option("--text", text_file, "training text (the book: the-verdict.txt)")
        ->check(CLI::ExistingFile);
    app.add_option("--out", out, "folder for the four SVG figures");
    app.add_option("--until", until, "stop after this section (D.1 ... D.4)")
        ->check(CLI::IsMember({"D.1", "D.2", "D.3", "D.4"}));
    app.add_option(
           "--max-iters", max_iters,
           "D.4: stop after this many iterations, keeping the 15-epoch schedule (0: all 135)")
        ->check(NonNegativeInteger());
    CLI11_PARSE(app, argc, argv);
    try {
        const std::string text_data = read_file(text_file);
        if (text_data.empty()) throw ValueError(text_file + ": the text is empty");
        fs::create_directories(out);
        // The setup: chapter 5's model and loaders, seeded as the book seeds them.
        ch04::GPTConfig cfg = ch04::GPT_CONFIG_124M();
        cfg.context_length = 256;
        manual_seed(123);
        auto model = std::make_unique<ch04::GPTModel>(cfg);
        model->eval();
        const auto [train_data, val_data] = ch05::split_text(text_data, 0.90);
        manual_seed(123);
        const auto train_loader = ch02::create_dataloader_v1(train_data, 2, cfg.context_length,
                                                             cfg.context_length, true, true);
        const auto val_loader = ch02::create_dataloader_v1(val_data, 2, cfg.context_length,
                                                           cfg.context_length, false, false);

        section("D.1 Learning rate warmup");
        const int64_t n_epochs = 15;
        const double initial_lr = 0.0001, peak_lr = 0.01;
        const int64_t total_steps = train_loader.size() * n_epochs;
        const int64_t warmup_steps = static_cast<int64_t>(0.2 * static_cast<double>(total_steps));
        std::printf("%lld\n", static_cast<long long>(warmup_steps));
        ch02::GPTDatasetV1::Batch batch;
        plot_lrs(
            out / "warmup.svg",
            track_lrs(train_loader, n_epochs, peak_lr, {warmup_steps, initial_lr, false, 0}, batch),
            "Linear warmup, then constant");
        if (until == "D.1") return 0;

        section("D.2 Cosine decay");
        const double min_lr = 0.1 * initial_lr;
        plot_lrs(out / "cosine.svg",
                 track_lrs(train_loader, n_epochs, peak_lr,
                           {warmup_steps, initial_lr, true, min_lr}, batch),
                 "Linear warmup, then cosine decay");
        if (until == "D.2") return 0;

        section("D.3 Gradient clipping");
        manual_seed(123);
        model = std::make_unique<ch04::GPTModel>(cfg);  // in training mode: dropout is on
        const Tensor loss = ch05::calc_loss_batch(batch.inputs, batch.targets, *model);
        loss.backward();
        std::cout << find_highest_gradient(*model) << std::endl;
        clip_grad_norm_(model->parameters(), 1.0f);
        std::cout << find_highest_gradient(*model) << std::endl;
        if (until == "D.3") return 0;

        section("D.4 The modified training function");
        std::printf(
            "(15 epochs of GPT-2 124M on the-verdict: peak lr 0.001, warmup %lld steps from 1e-5, cosine\n"
            " decay to 1e-5, clipping to norm 1.0 after the warmup)\n",
            static_cast<long long>(warmup_steps));
        manual_seed(123);
        model = std::make_unique<ch04::GPTModel>(cfg);
        const double d4_peak_lr = 0.001;  // the printed book says 5e-4 and forgets lr= (errata)
        AdamW optimizer(model->parameters(), static_cast<float>(d4_peak_lr), 0.1f);
        const auto r = train_model(*model, train_loader, val_loader, optimizer, n_epochs, 5, 1,
                                   "Every effort moves you", ch02::gpt2_tokenizer(), warmup_steps,
                                   1e-5, 1e-5, {isatty(STDERR_FILENO) != 0, max_iters});
        const int64_t tokens_per_epoch = train_loader.size() * 2 * cfg.context_length;
        ch05::plot_losses(out / "loss.svg", r.track_tokens_seen, r.train_losses, r.val_losses,
                          tokens_per_epoch);
        std::printf("wrote %s\n", (out / "loss.svg").c_str());
        plot_lrs(out / "train_model_lrs.svg", r.track_lrs, "train_model's learning rate");
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "appendix-d: error: %s\n", e.what());
        return 1;
    }
}
