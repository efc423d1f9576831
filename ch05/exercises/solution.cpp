// Our solutions to the chapter 5 exercises.
#include "exercises.hpp"

#include "autograd.hpp"
#include "checkpoint.hpp"
#include "generate.hpp"
#include "gpt2_weights.hpp"
#include "loss.hpp"
#include "ops.hpp"
#include "text_ids.hpp"
#include "train.hpp"

namespace llm::ch05::exercises {

double token_probability(const std::vector<float>& logits, int64_t token, float temperature) {
    return softmax_with_temperature(logits, temperature).at(static_cast<size_t>(token));
}

std::vector<int64_t> sample_counts(const std::vector<float>& logits, float temperature,
                                   std::optional<int64_t> top_k, int64_t draws, uint64_t seed) {
    const auto filtered = top_k ? top_k_filter(logits, *top_k) : logits;
    const auto p = softmax_with_temperature(filtered, temperature);
    const Tensor probs = Tensor::from(p, {static_cast<int64_t>(p.size())});
    manual_seed(seed);
    std::vector<int64_t> counts(p.size(), 0);
    for (int64_t i = 0; i < draws; ++i)
        ++counts[static_cast<size_t>(multinomial(probs, 1).data[0])];
    return counts;
}

std::vector<GenerateOptions> deterministic_settings() {
    GenerateOptions greedy;  // temperature 0: argmax, no sampling at all
    greedy.temperature = 0.0f;
    GenerateOptions top1;  // any temperature, but only one token survives top-k
    top1.temperature = 1.0f;
    top1.top_k = 1;
    return {greedy, top1};
}

std::unique_ptr<ch04::GPTModel> continue_pretraining(const std::filesystem::path& dir,
                                                     const ch04::GPTConfig& cfg,
                                                     const ch02::GPTDataLoader& train_loader,
                                                     const ch02::GPTDataLoader& val_loader,
                                                     int64_t total_epochs) {
    auto model = std::make_unique<ch04::GPTModel>(cfg);
    AdamW optimizer(model->parameters(), 4e-4f, 0.1f);
    const TrainingState state =
        load_checkpoint(*model, optimizer, dir);  // weights, AdamW moments, step, generator
    TrainOptions o;
    o.num_epochs = total_epochs;
    o.sample_tokens = 0;
    o.print = [](const std::string&) {};
    train_model_simple(*model, train_loader, val_loader, optimizer, ch02::gpt2_tokenizer(), o,
                       &state);
    return model;
}

double pretrained_batch_loss(const std::filesystem::path& weights, const IntTensor& inputs,
                             const IntTensor& targets) {
    auto model = load_model(weights);
    model->eval();
    NoGradGuard ng;
    return calc_loss_batch(inputs, targets, *model).item();
}

std::string greedy_text(const std::filesystem::path& weights, const std::string& prompt,
                        int64_t max_new_tokens) {
    auto model = load_model(weights);
    model->eval();
    const IntTensor out =
        ch04::generate_text_cached(*model, text_to_token_ids(prompt, ch02::gpt2_tokenizer()),
                                   max_new_tokens, model->cfg.context_length);
    return token_ids_to_text(out, ch02::gpt2_tokenizer());
}

}  // namespace llm::ch05::exercises
