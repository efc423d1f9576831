// Section 5.4: saving and loading. The model is written as safetensors with
// the book's state_dict names (loadable by the book's PyTorch GPTModel with
// load_state_dict) and its configuration in the metadata; for resuming,
// a second file holds AdamW's moments and the training state (step,
// epoch, batch order, random generator), so a resumed run continues
// exactly as an uninterrupted one. Both are written atomically.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "gpt_model.hpp"
#include "optim.hpp"

namespace llm::ch05 {

void save_model(const ch04::GPTModel& model, const std::filesystem::path& path);

struct TrainingState {
    int64_t epoch = 0;  // current epoch (0-based)
    int64_t step_in_epoch = 0;  // batches of this epoch already done
    int64_t global_step = -1;  // the book's counter (-1 before the first step)
    int64_t tokens_seen = 0;
    std::vector<std::vector<int64_t>> epoch_batches;  // this epoch's batch order
    std::string rng_state;  // the default generator
    std::vector<double> train_losses, val_losses, track_tokens_seen;
    std::vector<double> train_accs, val_accs;  // chapter 6's classifier (empty otherwise)
};

// model.safetensors + training-state.safetensors in a folder.
void save_checkpoint(const ch04::GPTModel& model, const AdamW& optimizer,
                     const TrainingState& state, const std::filesystem::path& dir);
// Loads into an existing model and optimizer built with the same configuration.
TrainingState load_checkpoint(ch04::GPTModel& model, AdamW& optimizer,
                              const std::filesystem::path& dir);

}  // namespace llm::ch05
