// Section 6.7 as our programs run it (chapter 6's and appendix E's):
// train_classifier_simple as the book calls it, then the plots and the
// accuracies; and the shorter run offered when no pretrained weights exist.
#pragma once
#include <filesystem>
#include <string>

#include "classifier.hpp"

namespace llm::ch06 {

// Without pretrained weights the book's 5 epochs teach nothing they could:
// unless the reader asked for a length (asked), 1 epoch of 20 batches, said so.
void shorten_without_weights(const std::string& what, bool asked, int64_t& num_epochs,
                             int64_t& max_steps);

// manual_seed(123), AdamW(lr, weight decay 0.1), train_classifier_simple
// (eval_freq 50, eval_iter 5; each epoch cut to max_steps batches if > 0),
// loss-plot.svg and accuracy-plot.svg in out, the three accuracies.
// Ctrl-C writes a checkpoint to out/checkpoint and returns false; `resume`
// (such a folder) continues from it, with the same settings.
bool finetune_classifier(GPTModel& model, const SpamLoaders& loaders, int64_t num_epochs,
                         int64_t max_steps, const std::filesystem::path& out, float lr = 5e-5f,
                         const std::filesystem::path& resume = {});

}  // namespace llm::ch06
