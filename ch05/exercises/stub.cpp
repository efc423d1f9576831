// Your solutions to the chapter 5 exercises. Replace each body, then run
//   ./book exercise ch05
// The hints are in ch05/exercises/README.md.
#include <stdexcept>

#include "exercises.hpp"

namespace llm::ch05::exercises {

double token_probability(const std::vector<float>& logits, int64_t token, float temperature) {
    (void)logits;
    (void)token;
    (void)temperature;
    throw std::logic_error("exercise 5.1 not attempted yet");
}

std::vector<int64_t> sample_counts(const std::vector<float>& logits, float temperature,
                                   std::optional<int64_t> top_k, int64_t draws, uint64_t seed) {
    (void)logits;
    (void)temperature;
    (void)top_k;
    (void)draws;
    (void)seed;
    throw std::logic_error("exercise 5.2 not attempted yet");
}

std::vector<GenerateOptions> deterministic_settings() {
    throw std::logic_error("exercise 5.3 not attempted yet");
}

std::unique_ptr<ch04::GPTModel> continue_pretraining(const std::filesystem::path& checkpoint_dir,
                                                     const ch04::GPTConfig& cfg,
                                                     const ch02::GPTDataLoader& train_loader,
                                                     const ch02::GPTDataLoader& val_loader,
                                                     int64_t total_epochs) {
    (void)checkpoint_dir;
    (void)cfg;
    (void)train_loader;
    (void)val_loader;
    (void)total_epochs;
    throw std::logic_error("exercise 5.4 not attempted yet");
}

double pretrained_batch_loss(const std::filesystem::path& weights, const IntTensor& inputs,
                             const IntTensor& targets) {
    (void)weights;
    (void)inputs;
    (void)targets;
    throw std::logic_error("exercise 5.5 not attempted yet");
}

std::string greedy_text(const std::filesystem::path& weights, const std::string& prompt,
                        int64_t max_new_tokens) {
    (void)weights;
    (void)prompt;
    (void)max_new_tokens;
    throw std::logic_error("exercise 5.6 not attempted yet");
}

}  // namespace llm::ch05::exercises
