#include "finetuning.hpp"

#include <cstdio>
#include <optional>

#include "bench.hpp"
#include "checkpoint.hpp"
#include "train.hpp"
#include "optim.hpp"
#include "plot_values.hpp"
#include "random.hpp"

namespace llm::ch06 {

void shorten_without_weights(const std::string& what, bool asked, int64_t& num_epochs,
                             int64_t& max_steps) {
    if (what.rfind("pretrained", 0) == 0 || asked) return;
    num_epochs = 1;
    max_steps = 20;
    std::printf(
        "(without pretrained weights: 1 epoch of 20 batches unless --epochs/--max-steps say otherwise)\n");
}

bool finetune_classifier(GPTModel& model, const SpamLoaders& loaders, int64_t num_epochs,
                         int64_t max_steps, const std::filesystem::path& out, float lr,
                         const std::filesystem::path& resume) {
    const auto t0 = bench::now();
    manual_seed(123);
    AdamW optimizer(model.parameters(), lr, 0.1f);
    std::optional<ch05::TrainingState> state;
    if (!resume.empty()) {
        state = ch05::load_checkpoint(model, optimizer, resume);
        std::printf("resuming from %s at epoch %ld, step %ld\n", resume.string().c_str(),
                    state->epoch + 1, state->global_step);
    }
    const ClassifierCheckpoints checkpoints{out / "checkpoint", state ? &*state : nullptr};
    const auto train_loader =
        max_steps > 0 ? loaders.train_loader.first_batches(max_steps) : loaders.train_loader;
    if (max_steps > 0)
        std::printf("(each epoch stops after %ld of the %ld training batches: --max-steps)\n",
                    max_steps, loaders.train_loader.size());
    ch05::install_interrupt_handler();
    const ClassifierHistory h =
        train_classifier_simple(model, train_loader, loaders.val_loader, optimizer, num_epochs, 50,
                                5, Position::Last, &checkpoints);
    if (h.interrupted) return false;
    std::printf("Training completed in %.2f minutes.\n", (bench::now() - t0) / 60.0);
    plot_values(out / "loss-plot.svg", h.train_losses, h.val_losses, num_epochs, h.examples_seen,
                "loss");
    plot_values(out / "accuracy-plot.svg", h.train_accs, h.val_accs, num_epochs, h.examples_seen,
                "accuracy");
    print_accuracies(loaders, model);
    return true;
}

}  // namespace llm::ch06
