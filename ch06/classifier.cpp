#include "classifier.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

#include "autograd.hpp"
#include "train.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "gpt2_weights.hpp"
#include "gpt_model_file.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "ops.hpp"

namespace llm::ch06 {

Trainable parse_trainable(const std::string& name) {
    if (name == "last-block") return Trainable::LastBlock;
    if (name == "all") return Trainable::All;
    if (name == "head") return Trainable::Head;
    throw ValueError("--trainable must be last-block, all or head, got '" + name + "'");
}

// ---- 6.5 Adding a classification head -------------------------------------------------

void add_classification_head(GPTModel& model, int64_t num_classes, Trainable trainable) {
    if (num_classes < 2) throw ValueError("a classifier needs at least 2 classes");
    for (Tensor p : model.parameters()) p.requires_grad_(false);
    model.out_head = model.replace_module(
        "out_head", std::make_shared<Linear>(model.cfg.emb_dim, num_classes));  // trainable as made
    auto unfreeze = [](const Module& m) {
        for (Tensor p : m.parameters()) p.requires_grad_(true);
    };
    if (trainable == Trainable::All) unfreeze(model);
    if (trainable == Trainable::LastBlock) {
        unfreeze((*model.trf_blocks)[model.trf_blocks->size() - 1]);  // model.trf_blocks[-1]
        unfreeze(*model.final_norm);
    }
}

// ---- 6.6 Calculating the classification loss and accuracy --------------------------------

Tensor classification_logits(GPTModel& model, const IntTensor& input_batch, Position position) {
    const Tensor logits = model.forward(input_batch);  // [b, T, num_classes]
    return select(logits, 1, position == Position::Last ? logits.size(1) - 1 : 0);  // [b, classes]
}

double calc_accuracy_loader(const SpamLoader& loader, GPTModel& model, int64_t num_batches,
                            Position position) {
    model.eval();
    int64_t correct_predictions = 0, num_examples = 0;
    num_batches = num_batches < 0 ? loader.size() : std::min(num_batches, loader.size());
    const auto batches = loader.epoch_indices();  // one pass (draws as PyTorch's iterator does)
    NoGradGuard no_grad;
    for (int64_t i = 0; i < num_batches; ++i) {
        const auto batch = loader.make_batch(batches[static_cast<size_t>(i)]);
        const IntTensor predicted_labels =
            argmax(classification_logits(model, batch.input_batch, position), -1);
        num_examples += static_cast<int64_t>(predicted_labels.data.size());
        for (size_t k = 0; k < predicted_labels.data.size(); ++k)
            correct_predictions += predicted_labels.data[k] == batch.target_batch.data[k];
    }
    return static_cast<double>(correct_predictions) / static_cast<double>(num_examples);
}

Tensor calc_loss_batch(const IntTensor& input_batch, const IntTensor& target_batch, GPTModel& model,
                       Position position) {
    return cross_entropy(classification_logits(model, input_batch, position), target_batch);
}

double calc_loss_loader(const SpamLoader& loader, GPTModel& model, int64_t num_batches,
                        Position position) {
    if (loader.size() == 0) return std::numeric_limits<double>::quiet_NaN();
    num_batches = num_batches < 0 ? loader.size() : std::min(num_batches, loader.size());
    const auto batches = loader.epoch_indices();
    double total_loss = 0;
    for (int64_t i = 0; i < num_batches; ++i) {
        const auto batch = loader.make_batch(batches[static_cast<size_t>(i)]);
        total_loss +=
            calc_loss_batch(batch.input_batch, batch.target_batch, model, position).item();
    }
    return total_loss / static_cast<double>(num_batches);
}

// ---- 6.7 Finetuning the model on supervised data ----------------------------------------

std::pair<double, double> evaluate_model(GPTModel& model, const SpamLoader& train_loader,
                                         const SpamLoader& val_loader, int64_t eval_iter,
                                         Position position) {
    model.eval();
    std::pair<double, double> losses;
    {
        NoGradGuard no_grad;
        losses.first = calc_loss_loader(train_loader, model, eval_iter, position);
        losses.second = calc_loss_loader(val_loader, model, eval_iter, position);
    }
    model.train();
    return losses;
}

namespace {

// Ctrl-C after a step: everything the rest of the run needs, written once.
void save_classifier_checkpoint(GPTModel& model, const AdamW& optimizer, const ClassifierHistory& h,
                                int64_t epoch, int64_t batches_done, int64_t global_step,
                                const std::vector<std::vector<int64_t>>& batches,
                                const std::filesystem::path& dir) {
    ch05::TrainingState s;
    s.epoch = epoch;
    s.step_in_epoch = batches_done;
    s.global_step = global_step;
    s.tokens_seen = h.examples_seen;
    s.epoch_batches = batches;
    s.rng_state = default_generator().state();
    s.train_losses = h.train_losses;
    s.val_losses = h.val_losses;
    s.train_accs = h.train_accs;
    s.val_accs = h.val_accs;
    ch05::save_checkpoint(model, optimizer, s, dir);
    std::printf("Interrupted after step %ld; saved a resumable checkpoint in %s\n", global_step,
                dir.string().c_str());
}

}  // namespace

ClassifierHistory train_classifier_simple(GPTModel& model, const SpamLoader& train_loader,
                                          const SpamLoader& val_loader, AdamW& optimizer,
                                          int64_t num_epochs, int64_t eval_freq, int64_t eval_iter,
                                          Position position, const ClassifierCheckpoints* ckpt) {
    ClassifierHistory h;
    int64_t global_step = -1;
    int64_t first_epoch = 0, first_batch = 0;  // where a resumed run goes on
    std::vector<std::vector<int64_t>> resumed_batches;
    if (ckpt && ckpt->resume) {
        const ch05::TrainingState& r = *ckpt->resume;
        std::tie(first_epoch, first_batch, global_step, h.examples_seen) =
            std::tuple(r.epoch, r.step_in_epoch, r.global_step, r.tokens_seen);
        std::tie(h.train_losses, h.val_losses, h.train_accs, h.val_accs) =
            std::tuple(r.train_losses, r.val_losses, r.train_accs, r.val_accs);
        resumed_batches = r.epoch_batches;
        default_generator().set_state(r.rng_state);
    }
    for (int64_t epoch = first_epoch; epoch < num_epochs; ++epoch) {
        model.train();
        const auto batches = epoch == first_epoch && !resumed_batches.empty()
            ? resumed_batches
            : train_loader.epoch_indices();
        for (auto b = static_cast<size_t>(epoch == first_epoch ? first_batch : 0);
             b < batches.size(); ++b) {
            const auto batch = train_loader.make_batch(batches[b]);
            optimizer.zero_grad();
            const Tensor loss =
                calc_loss_batch(batch.input_batch, batch.target_batch, model, position);
            h.step_losses.push_back(loss.item());
            loss.backward();
            optimizer.step();
            h.examples_seen += batch.input_batch.size(0);
            ++global_step;
            if (global_step % eval_freq == 0) {
                const auto [train_loss, val_loss] =
                    evaluate_model(model, train_loader, val_loader, eval_iter, position);
                h.train_losses.push_back(train_loss);
                h.val_losses.push_back(val_loss);
                std::printf("Ep %ld (Step %06ld): Train loss %.3f, Val loss %.3f\n", epoch + 1,
                            global_step, train_loss, val_loss);
                std::fflush(stdout);
            }
            if (ckpt && ch05::interrupt_requested()) {
                ch05::clear_interrupt();
                save_classifier_checkpoint(model, optimizer, h, epoch, static_cast<int64_t>(b) + 1,
                                           global_step, batches, ckpt->dir);
                h.interrupted = true;
                return h;
            }
        }
        const double train_accuracy =
            calc_accuracy_loader(train_loader, model, eval_iter, position);
        const double val_accuracy = calc_accuracy_loader(val_loader, model, eval_iter, position);
        std::printf("Training accuracy: %.2f%% | Validation accuracy: %.2f%%\n",
                    train_accuracy * 100, val_accuracy * 100);
        h.train_accs.push_back(train_accuracy);
        h.val_accs.push_back(val_accuracy);
    }
    return h;
}

// ---- 6.8 Using the LLM as a spam classifier ------------------------------------------------

void save_classifier(const GPTModel& model, const std::filesystem::path& path) {
    auto meta = model.cfg.to_metadata();
    meta["format"] = "pt";
    save_safetensors(path, model.state_dict(), meta);  // temporary file, then rename
}

std::unique_ptr<GPTModel> load_classifier(const std::filesystem::path& path) {
    const auto st = load_safetensors(path);
    const ch04::GPTConfig cfg = ch04::gpt_config_of(st.metadata, path);
    const auto head = st.tensors.find("out_head.weight");
    if (head == st.tensors.end() || !st.tensors.count("out_head.bias") || head->second.dim() != 2 ||
        head->second.size(1) != cfg.emb_dim || head->second.size(0) >= cfg.vocab_size)
        throw FormatError(path.string() +
                          ": not a classifier: it needs out_head.weight [num_classes, " +
                          std::to_string(cfg.emb_dim) + "] and out_head.bias" +
                          (head == st.tensors.end()
                               ? std::string(" (no out_head.weight)")
                               : " (out_head.weight is " + shape_str(head->second.shape()) + ")") +
                          "; finetune one with `./book run ch06` first");
    auto model = std::make_unique<GPTModel>(cfg);
    add_classification_head(*model, head->second.size(0));
    try {
        model->load_state_dict(st.tensors);
    } catch (const Error& e) { throw FormatError(path.string() + ": " + e.what()); }
    model->eval();
    return model;
}

Review classify_review(const std::string& text, GPTModel& model, int64_t max_length,
                       int64_t pad_token_id) {
    model.eval();
    Review r;
    r.input_ids = ch02::gpt2_tokenizer().encode(text);
    if (r.input_ids.empty()) throw ValueError("classify_review: the text encodes to no tokens");
    const int64_t supported_context_length = model.pos_emb->weight.size(0);
    if (max_length > supported_context_length)
        throw ValueError("classify_review: max_length " + std::to_string(max_length) +
                         " exceeds the model's context length " +
                         std::to_string(supported_context_length));
    // truncate sequences if they are too long, pad them to max_length
    r.input_ids.resize(static_cast<size_t>(max_length), pad_token_id);
    NoGradGuard no_grad;
    const Tensor logits = classification_logits(
        model, IntTensor({1, max_length}, r.input_ids));  // logits of the last output token
    r.last_logits = logits.to_vector();
    r.predicted = argmax(logits, -1).data[0];
    r.label = r.predicted == 1 ? "spam" : "not spam";
    return r;
}

std::unique_ptr<GPTModel> starting_model(const std::string& weights, std::string& what,
                                         bool random_init) {
    const std::filesystem::path shipped = data_dir() / "gpt2-124M" / "model.safetensors";
    const std::filesystem::path ours =
        std::filesystem::path("output") / "ch05" / "model.safetensors";
    std::filesystem::path file = weights;
    if (file.empty() && !random_init && std::filesystem::exists(shipped)) file = shipped;
    if (!file.empty()) {
        what = "pretrained weights from " + file.string();
        return ch05::load_model(file);
    }
    if (!random_init && std::filesystem::exists(ours)) {
        what = "our chapter 5 model (" + ours.string() +
            ", pretrained on one short story only: it cannot reach the book's accuracies)";
        return ch05::load_model(ours);
    }
    what =
        "random weights (no GPT-2 weights here: put HuggingFace's gpt2 model.safetensors in "
        "data/gpt2-124M/ or pass --weights; without them no run can reach the book's accuracies)";
    manual_seed(123);
    auto cfg = ch04::GPT_CONFIG_124M();
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    return std::make_unique<GPTModel>(cfg);
}

void print_accuracies(const SpamLoaders& l, GPTModel& model, int64_t num_batches) {
    std::printf("Training accuracy: %.2f%%\n",
                calc_accuracy_loader(l.train_loader, model, num_batches) * 100);
    std::printf("Validation accuracy: %.2f%%\n",
                calc_accuracy_loader(l.val_loader, model, num_batches) * 100);
    std::printf("Test accuracy: %.2f%%\n",
                calc_accuracy_loader(l.test_loader, model, num_batches) * 100);
}

}  // namespace llm::ch06
