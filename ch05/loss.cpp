#include "loss.hpp"

#include <cmath>
#include <cstdio>

#include "ops.hpp"

namespace llm::ch05 {

Tensor calc_loss_batch(const IntTensor& input_batch, const IntTensor& target_batch,
                       ch04::GPTModel& model) {
    const Tensor logits = model.forward(input_batch);  // [B, T, V]
    return cross_entropy(logits.flatten(0, 1), target_batch.view({target_batch.numel()}));
}

TokenLoader::TokenLoader(const ch02::GPTDataLoader& loader)
    : size_([&loader] { return loader.size(); }),
      epoch_indices_([&loader] { return loader.epoch_indices(); }),
      make_batch_([&loader](const std::vector<int64_t>& i) { return loader.make_batch(i); }) {}

TokenLoader::TokenLoader(std::function<int64_t()> size,
                         std::function<std::vector<std::vector<int64_t>>()> epoch_indices,
                         std::function<Batch(const std::vector<int64_t>&)> make_batch)
    : size_(std::move(size)),
      epoch_indices_(std::move(epoch_indices)),
      make_batch_(std::move(make_batch)) {}

double calc_loss_loader(const TokenLoader& loader, ch04::GPTModel& model,
                        std::optional<int64_t> num_batches) {
    if (loader.size() == 0) {
        std::fprintf(stderr, "calc_loss_loader: the data loader is empty; the loss is NaN\n");
        return NAN;
    }
    const int64_t n = num_batches ? std::min(*num_batches, loader.size()) : loader.size();
    double total = 0;
    int64_t i = 0;
    for (const auto& idx :
         loader.epoch_indices()) {  // iterating draws from the generator as PyTorch does
        if (i++ >= n) break;
        const auto batch = loader.make_batch(idx);
        total += calc_loss_batch(batch.inputs, batch.targets, model).item();
    }
    return total / static_cast<double>(n);
}

}  // namespace llm::ch05
