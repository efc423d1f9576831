// Section 5.1.2-5.1.3: the training objective. The cross-entropy of the
// logits against the next tokens, per batch and averaged over a loader.
#pragma once
#include <optional>

#include "gpt_dataset.hpp"
#include "gpt_model.hpp"

namespace llm::ch05 {

// cross_entropy(logits.flatten(0, 1), targets.flatten()): [B, T, V] vs [B, T]
Tensor calc_loss_batch(const IntTensor& input_batch, const IntTensor& target_batch,
                       ch04::GPTModel& model);

// Mean batch loss over the first num_batches batches (all when unset).
// An empty loader gives NaN with a warning on stderr, as in the book.
double calc_loss_loader(const ch02::GPTDataLoader& loader, ch04::GPTModel& model,
                        std::optional<int64_t> num_batches = std::nullopt);

}  // namespace llm::ch05
