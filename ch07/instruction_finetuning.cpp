#include "instruction_finetuning.hpp"

#include <cstdio>
#include <optional>

#include "autograd.hpp"
#include "bench.hpp"
#include "checkpoint.hpp"
#include "error.hpp"
#include "gpt2_weights.hpp"
#include "gpt_dataset.hpp"
#include "outputs.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "walkthrough.hpp"

namespace llm::ch07 {

InstructionLoaders make_instruction_loaders(const InstructionSplit& split, PromptStyle style,
                                            int64_t batch_size, int64_t allowed_max_length) {
    if (split.train.empty() || split.validation.empty())
        throw ValueError("the instruction data is too small: its split leaves " +
                         std::to_string(split.train.size()) + " training and " +
                         std::to_string(split.validation.size()) +
                         " validation entries (at least one of each is needed)");
    auto train = std::make_shared<const InstructionDataset>(split.train, style);
    auto val = std::make_shared<const InstructionDataset>(split.validation, style);
    auto test = std::make_shared<const InstructionDataset>(split.test, style);
    manual_seed(123);
    return {DataLoader<InstructionDataset>(train, batch_size, /*shuffle=*/true, /*drop_last=*/true),
            DataLoader<InstructionDataset>(val, batch_size),
            DataLoader<InstructionDataset>(test, batch_size), allowed_max_length};
}

ch05::TokenLoader token_loader(const DataLoader<InstructionDataset>& loader,
                               int64_t allowed_max_length) {
    return ch05::TokenLoader(
        [&loader] { return loader.size(); }, [&loader] { return loader.epoch_indices(); },
        [&loader, allowed_max_length](const std::vector<int64_t>& indices) {
            std::vector<InstructionDataset::Item> items;
            for (int64_t i : indices) items.push_back(loader.dataset().get(i));
            auto b = custom_collate_fn(items, 50256, -100, allowed_max_length);
            return ch05::TokenLoader::Batch{std::move(b.inputs), std::move(b.targets)};
        });
}

ch04::GPTConfig demonstration_config() {
    ch04::GPTConfig cfg;
    cfg.context_length = 256;
    cfg.emb_dim = 128;
    cfg.n_heads = 4;
    cfg.n_layers = 2;
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    return cfg;
}

std::unique_ptr<ch04::GPTModel> starting_model(const std::string& weights, std::string& what,
                                               bool& pretrained) {
    const std::filesystem::path shipped = data_dir() / "gpt2-355M" / "model.safetensors";
    std::filesystem::path file = weights;
    if (file.empty() && std::filesystem::exists(shipped)) file = shipped;
    if (!file.empty()) {
        what = "weights from " + file.string();
        pretrained = true;
        return ch05::load_model(file);
    }
    what =
        "a small demonstration model with random weights (2 blocks of width 128, context 256): "
        "no GPT-2 weights here. For the book's run put HuggingFace's gpt2-medium "
        "model.safetensors in data/gpt2-355M/ or pass --weights";
    pretrained = false;
    manual_seed(123);
    return std::make_unique<ch04::GPTModel>(demonstration_config());
}

ch05::TrainResult finetune_instructions(ch04::GPTModel& model, const InstructionLoaders& loaders,
                                        const std::string& start_context, const FinetuneSettings& s,
                                        const std::filesystem::path& out) {
    const auto cut = [&](const DataLoader<InstructionDataset>& l) {
        return s.max_steps > 0 ? l.first_batches(s.max_steps) : l;
    };
    const auto train_cut = cut(loaders.train_loader);
    const int64_t A = std::min(loaders.allowed_max_length, model.cfg.context_length);
    const ch05::TokenLoader train_loader = token_loader(train_cut, A),
                            val_loader = token_loader(loaders.val_loader, A);
    if (s.max_steps > 0)
        std::printf("(each epoch stops after %ld of the %ld training batches: --max-steps)\n",
                    std::min(s.max_steps, loaders.train_loader.size()),
                    loaders.train_loader.size());
    manual_seed(123);
    {
        model.eval();
        NoGradGuard no_grad;
        const double train_loss = ch05::calc_loss_loader(train_loader, model, 5);
        const double val_loss = ch05::calc_loss_loader(val_loader, model, 5);
        std::printf("Training loss: %s\nValidation loss: %s\n", py_float(train_loss).c_str(),
                    py_float(val_loss).c_str());
        model.train();
    }
    const double t0 = bench::now();
    manual_seed(123);
    AdamW optimizer(model.parameters(), s.lr, s.weight_decay);
    std::optional<ch05::TrainingState> state;
    if (!s.resume.empty()) {
        state = ch05::load_checkpoint(model, optimizer, s.resume);
        std::printf("resuming from %s at epoch %ld, step %ld\n", s.resume.string().c_str(),
                    state->epoch + 1, state->global_step);
    }
    ch05::TrainOptions o;
    o.num_epochs = s.num_epochs;
    o.eval_freq = 5;
    o.eval_iter = 5;
    o.start_context = start_context;
    o.progress_line = s.progress_line;
    o.checkpoint_dir = s.checkpoint_dir;
    o.print = s.print;
    const ch05::TrainResult r =
        ch05::train_model_simple(model, train_loader, val_loader, optimizer, ch02::gpt2_tokenizer(),
                                 o, state ? &*state : nullptr);
    const double seconds = bench::now() - t0;
    const double tokens = r.final_state.tokens_seen;
    std::printf("Training %s in %.2f minutes (%.0f tokens/s).\n",
                r.interrupted ? "interrupted" : "completed", seconds / 60.0,
                tokens / std::max(seconds, 1e-9));
    if (!r.track_tokens_seen.empty()) {
        const auto per_epoch = static_cast<int64_t>(tokens / std::max<int64_t>(1, s.num_epochs));
        ch05::plot_losses(out / "loss-plot.svg", r.track_tokens_seen, r.train_losses, r.val_losses,
                          std::max<int64_t>(1, per_epoch));
        std::printf("Loss plot: %s\n", (out / "loss-plot.svg").string().c_str());
    }
    return r;
}

}  // namespace llm::ch07
