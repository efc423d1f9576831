// Section 5.1.2-5.1.3: the training objective. The cross-entropy of the
// logits against the next tokens, per batch and averaged over a loader.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "gpt_dataset.hpp"
#include "gpt_model.hpp"

namespace llm::ch05 {

// What this chapter's loss and training loop read from a data loader: its
// length (len(loader)), one pass's batches as index lists (drawing from the
// generator as PyTorch's iterator does) and a collated batch of [B, T]
// inputs and targets. A view: the loader must outlive it. Chapter 2's loader
// converts to it as it is; chapter 7 makes one for its instruction loader.
class TokenLoader {
public:
    using Batch = ch02::GPTDatasetV1::Batch;
    TokenLoader(const ch02::GPTDataLoader& loader);  // NOLINT(google-explicit-constructor)
    TokenLoader(std::function<int64_t()> size,
                std::function<std::vector<std::vector<int64_t>>()> epoch_indices,
                std::function<Batch(const std::vector<int64_t>&)> make_batch);
    int64_t size() const { return size_(); }
    std::vector<std::vector<int64_t>> epoch_indices() const { return epoch_indices_(); }
    Batch make_batch(const std::vector<int64_t>& indices) const { return make_batch_(indices); }

private:
    std::function<int64_t()> size_;
    std::function<std::vector<std::vector<int64_t>>()> epoch_indices_;
    std::function<Batch(const std::vector<int64_t>&)> make_batch_;
};

// cross_entropy(logits.flatten(0, 1), targets.flatten()): [B, T, V] vs [B, T]
Tensor calc_loss_batch(const IntTensor& input_batch, const IntTensor& target_batch,
                       ch04::GPTModel& model);

// Mean batch loss over the first num_batches batches (all when unset).
// An empty loader gives NaN with a warning on stderr, as in the book.
double calc_loss_loader(const TokenLoader& loader, ch04::GPTModel& model,
                        std::optional<int64_t> num_batches = std::nullopt);

}  // namespace llm::ch05
