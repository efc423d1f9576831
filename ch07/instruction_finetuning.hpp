// Sections 7.5-7.6: the pretrained model to start from, the loaders as the
// book builds them, and finetuning with chapter 5's train_model_simple
// (its cross-entropy skips the -100 targets of custom_collate_fn).
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "instruction_data.hpp"
#include "loss.hpp"
#include "train.hpp"

namespace llm::ch07 {

// 7.4: torch.manual_seed(123), then the training loader (shuffled,
// drop_last), the validation and test loaders (in order, all batches), each
// collated with custom_collate_fn(allowed_max_length).
struct InstructionLoaders {
    DataLoader<InstructionDataset> train_loader, val_loader, test_loader;
    int64_t allowed_max_length;
};
InstructionLoaders make_instruction_loaders(const InstructionSplit& split, PromptStyle style,
                                            int64_t batch_size = 8,
                                            int64_t allowed_max_length = 1024);

// The loader as chapter 5's loss and training loop read it (a view).
ch05::TokenLoader token_loader(const DataLoader<InstructionDataset>& loader,
                               int64_t allowed_max_length);

// 7.5 in our programs: `weights` if given, else data/gpt2-355M/model.safetensors
// (the book's GPT-2 medium), else a small demonstration model with random
// weights; `what` says which, and `pretrained` whether the book's run makes sense.
std::unique_ptr<ch04::GPTModel> starting_model(const std::string& weights, std::string& what,
                                               bool& pretrained);
// The demonstration model: GPT-2's vocabulary and context 256, 2 blocks of
// width 128; seed 123, dropout 0, qkv_bias as GPT-2.
ch04::GPTConfig demonstration_config();

struct FinetuneSettings {
    int64_t num_epochs = 2;
    int64_t max_steps = 0;  // > 0: each epoch cut to that many batches
    float lr = 5e-5f;
    float weight_decay = 0.1f;
    bool progress_line = false;
    // Ctrl-C writes a resumable checkpoint here (empty: none), as chapter 5's loop does.
    std::filesystem::path checkpoint_dir;
    // A checkpoint folder to continue from (model, AdamW's moments, the batch order, the generator).
    std::filesystem::path resume;
    std::function<void(const std::string&)> print = nullptr;  // the log lines (default: stdout)
};

// 7.6: losses before training (seed 123, 5 batches each), then seed 123,
// AdamW, train_model_simple (eval_freq 5, eval_iter 5, the first validation
// entry's prompt as start context), the time taken, loss-plot.svg in out.
// With settings.resume, the model, the optimizer and the loop's state come
// from that checkpoint and the run continues exactly where it stopped.
ch05::TrainResult finetune_instructions(ch04::GPTModel& model, const InstructionLoaders& loaders,
                                        const std::string& start_context,
                                        const FinetuneSettings& settings,
                                        const std::filesystem::path& out);

}  // namespace llm::ch07
