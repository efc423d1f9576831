// Sections 6.5-6.8: the GPT turned into a classifier and finetuned.
//   6.5 a new output head with num_classes outputs; everything frozen but
//       the last transformer block, the final LayerNorm and the head
//   6.6 loss and accuracy on the last position's logits
//   6.7 train_classifier_simple (listing 6.10) and evaluate_model
//   6.8 classify_review
// The model is chapter 4's GPTModel; only its head changes.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint.hpp"
#include "gpt_model.hpp"
#include "optim.hpp"
#include "spam_dataset.hpp"

namespace llm::ch06 {

using ch04::GPTModel;
using SpamLoader = DataLoader<SpamDataset>;

// Which parameters finetuning updates: the book's choice (the last block,
// the final LayerNorm and the head), every one (exercise 6.2), or the head.
enum class Trainable { LastBlock, All, Head };
Trainable parse_trainable(const std::string& name);  // "last-block", "all", "head"

// 6.5: requires_grad = False everywhere; model.out_head = Linear(emb_dim,
// num_classes) (drawn from the default generator: the book calls
// torch.manual_seed(123) just before); then requires_grad = True again for
// what `trainable` names. A frozen tensor gets no gradient: backward stops
// where nothing below needs one, and keeps no activations there.
void add_classification_head(GPTModel& model, int64_t num_classes,
                             Trainable trainable = Trainable::LastBlock);

// Which position's logits classify the text: the last (the book; it has
// seen every token) or the first (exercise 6.3).
enum class Position { Last, First };

// 6.6. model(input_batch)[:, -1, :]
Tensor classification_logits(GPTModel& model, const IntTensor& input_batch,
                             Position position = Position::Last);
// Share of correct predictions over the first num_batches batches (all
// when num_batches < 0); eval mode, no grad.
double calc_accuracy_loader(const SpamLoader& loader, GPTModel& model, int64_t num_batches = -1,
                            Position position = Position::Last);
// Cross-entropy of the chosen position's logits against the labels.
Tensor calc_loss_batch(const IntTensor& input_batch, const IntTensor& target_batch, GPTModel& model,
                       Position position = Position::Last);
// Mean batch loss over the first num_batches batches (NaN for an empty loader).
double calc_loss_loader(const SpamLoader& loader, GPTModel& model, int64_t num_batches = -1,
                        Position position = Position::Last);

// 6.7. evaluate_model: eval mode, no grad, the two loaders' losses over
// eval_iter batches, back to train mode.
std::pair<double, double> evaluate_model(GPTModel& model, const SpamLoader& train_loader,
                                         const SpamLoader& val_loader, int64_t eval_iter,
                                         Position position = Position::Last);

struct ClassifierHistory {
    std::vector<double> train_losses, val_losses, train_accs, val_accs;
    int64_t examples_seen = 0;
    std::vector<double> step_losses;  // each step's training loss (not in the book's return)
    bool interrupted = false;  // Ctrl-C: stopped after a step, checkpoint written
};

// Beyond the listing, as chapter 5's loop does: Ctrl-C finishes the step and
// writes a checkpoint to `dir` (the model, AdamW's moments, the counters, the
// epoch's batch order, the generator, the history so far); `resume` continues
// from one exactly as the uninterrupted run would have gone on.
struct ClassifierCheckpoints {
    std::filesystem::path dir;
    const ch05::TrainingState* resume = nullptr;
};
// Listing 6.10: for each epoch, a step per training batch (zero_grad, loss,
// backward, AdamW step), an evaluation every eval_freq steps printing the
// book's "Ep 1 (Step 000000): Train loss ..., Val loss ..." line, and at
// the epoch's end both accuracies over eval_iter batches.
ClassifierHistory train_classifier_simple(GPTModel& model, const SpamLoader& train_loader,
                                          const SpamLoader& val_loader, AdamW& optimizer,
                                          int64_t num_epochs, int64_t eval_freq, int64_t eval_iter,
                                          Position position = Position::Last,
                                          const ClassifierCheckpoints* checkpoints = nullptr);

// A finetuned classifier saved in the book's state-dict names (6.8's
// torch.save(model.state_dict(), "review_classifier.pth")): the GPT with
// its configuration, and an out_head of [num_classes, emb_dim] with a bias.
// A file without such a head (a language model) is a FormatError saying so.
void save_classifier(const GPTModel& model, const std::filesystem::path& path);
std::unique_ptr<GPTModel> load_classifier(const std::filesystem::path& path);

// 6.8: the text's ids cut to min(max_length, the model's context) and padded
// with pad_token_id to max_length; "spam" if the model says 1, "not spam" if 0.
struct Review {
    std::vector<int64_t> input_ids;
    std::vector<float> last_logits;
    int64_t predicted;
    std::string label;
};
Review classify_review(const std::string& text, GPTModel& model, int64_t max_length,
                       int64_t pad_token_id = 50256);

// 6.4 in our programs: the model to finetune and a sentence saying which it
// is: `weights` if given, else data/gpt2-124M/model.safetensors, else our
// chapter 5 model, else (or when random_init) GPT-2 124M with random weights
// (said clearly).
std::unique_ptr<GPTModel> starting_model(const std::string& weights, std::string& what,
                                         bool random_init = false);

// The three accuracies over num_batches batches of each loader (all when < 0),
// printed as the book prints them.
void print_accuracies(const SpamLoaders& loaders, GPTModel& model, int64_t num_batches = -1);

}  // namespace llm::ch06
