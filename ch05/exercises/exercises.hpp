// Chapter 5 exercises: implement these in your copy of solution.cpp
// (./book exercise ch05 creates ch05/exercises/mine/solution.cpp).
#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "decoding.hpp"
#include "gpt_dataset.hpp"

namespace llm::ch05::exercises {

// Exercise 5.1: the probability of token `token` after scaling `logits` by `temperature`.
double token_probability(const std::vector<float>& logits, int64_t token, float temperature);

// Exercise 5.2: how often each token is drawn in `draws` samples (after
// manual_seed(seed)), with the given temperature and optional top-k.
std::vector<int64_t> sample_counts(const std::vector<float>& logits, float temperature,
                                   std::optional<int64_t> top_k, int64_t draws, uint64_t seed);

// Exercise 5.3: every setting of generate() (temperature, top_k) that makes
// its output deterministic, whatever the random seed.
std::vector<GenerateOptions> deterministic_settings();

// Exercise 5.4: continue pretraining. Load the model and optimizer state
// saved in `checkpoint_dir` (by train_model_simple's checkpoints), train
// `more_epochs` further epochs on the loaders, and return the model.
std::unique_ptr<ch04::GPTModel> continue_pretraining(const std::filesystem::path& checkpoint_dir,
                                                     const ch04::GPTConfig& cfg,
                                                     const ch02::GPTDataLoader& train_loader,
                                                     const ch02::GPTDataLoader& val_loader,
                                                     int64_t total_epochs);

// Exercise 5.5: the loss of a pretrained model (any layout load_model
// reads, e.g. OpenAI's GPT-2 from HuggingFace) on one batch of ids.
double pretrained_batch_loss(const std::filesystem::path& weights, const IntTensor& inputs,
                             const IntTensor& targets);

// Exercise 5.6: greedy text from a pretrained model, to compare model sizes.
std::string greedy_text(const std::filesystem::path& weights, const std::string& prompt,
                        int64_t max_new_tokens);

}  // namespace llm::ch05::exercises
