// Chapter 4 exercises: implement these in your copy of solution.cpp
// (./book exercise ch04 creates ch04/exercises/mine/solution.cpp).
#pragma once
#include <memory>
#include <utility>

#include "gpt_model.hpp"

namespace llm::ch04::exercises {

// Exercise 4.1: the parameters of one transformer block's feed-forward
// module and of its attention module, for the given configuration.
std::pair<int64_t, int64_t> feed_forward_and_attention_parameters(const GPTConfig& cfg);

// Exercise 4.2: GPT-2 medium, large and XL. Return the configuration for
// "medium", "large" or "xl", and the model's size in megabytes (float32,
// 1 MB = 1024 * 1024 bytes) for a parameter count.
GPTConfig larger_gpt2_config(const std::string& size);
double megabytes(int64_t num_parameters);

// Exercise 4.3: a GPTModel whose three kinds of dropout have their own rates:
// after the embeddings, on the shortcut paths, and on the attention weights.
std::shared_ptr<GPTModel> model_with_separate_dropout(const GPTConfig& cfg, float drop_rate_emb,
                                                      float drop_rate_shortcut,
                                                      float drop_rate_attn);

}  // namespace llm::ch04::exercises
