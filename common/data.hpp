// torch.utils.data: a DataLoader over any dataset with size(), get(i) and a
// static collate(items) that stacks items into a batch.
//
// Random numbers are drawn as PyTorch's single-process DataLoader draws
// them, so a seeded run shuffles the same way: each new pass (epoch) first
// draws a 64-bit base seed from the generator (PyTorch does this even
// without shuffling), then a shuffling RandomSampler draws a second one to
// seed its own generator and yields randperm(n) from it.
#pragma once
#include <algorithm>
#include <memory>
#include <vector>

#include "random.hpp"

namespace llm {

// The order RandomSampler yields for one pass over n items.
std::vector<int64_t> random_sampler_order(int64_t n, Generator& gen);

template <typename Dataset>
class DataLoader {
public:
    using Item = decltype(std::declval<const Dataset&>().get(0));
    using Batch = decltype(Dataset::collate(std::declval<const std::vector<Item>&>()));

    DataLoader(std::shared_ptr<const Dataset> dataset, int64_t batch_size, bool shuffle = false,
               bool drop_last = false, Generator& gen = default_generator())
        : dataset_(std::move(dataset)),
          batch_size_(batch_size),
          shuffle_(shuffle),
          drop_last_(drop_last),
          gen_(&gen) {}

    int64_t size() const {  // number of batches per pass (len(loader))
        const int64_t n = dataset_->size();
        const int64_t all = drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
        return max_batches_ >= 0 ? std::min(all, max_batches_) : all;
    }
    // The same loader cut after max_batches batches per pass, as a pass that
    // stops early (itertools.islice): it draws from the generator as a full
    // pass does. For short runs and tests.
    DataLoader first_batches(int64_t max_batches) const {
        DataLoader cut = *this;
        cut.max_batches_ = max_batches;
        return cut;
    }
    const Dataset& dataset() const { return *dataset_; }
    int64_t batch_size() const { return batch_size_; }

    // One pass: the index lists of its batches, drawing from the generator as PyTorch does.
    std::vector<std::vector<int64_t>> epoch_indices() const {
        random_int64(*gen_);  // _BaseDataLoaderIter's base seed
        const int64_t n = dataset_->size();
        std::vector<int64_t> order;
        if (shuffle_)
            order = random_sampler_order(n, *gen_);
        else
            for (int64_t i = 0; i < n; ++i) order.push_back(i);
        std::vector<std::vector<int64_t>> batches;
        for (int64_t s = 0; s < n; s += batch_size_) {
            const int64_t e = std::min(n, s + batch_size_);
            if (drop_last_ && e - s < batch_size_) break;
            if (max_batches_ >= 0 && static_cast<int64_t>(batches.size()) == max_batches_) break;
            batches.emplace_back(order.begin() + s, order.begin() + e);
        }
        return batches;
    }

    Batch make_batch(const std::vector<int64_t>& indices) const {
        std::vector<Item> items;
        for (int64_t i : indices) items.push_back(dataset_->get(i));
        return Dataset::collate(items);
    }

    // for (auto& batch : loader.batches()): one pass, collated.
    std::vector<Batch> batches() const {
        std::vector<Batch> out;
        for (const auto& idx : epoch_indices()) out.push_back(make_batch(idx));
        return out;
    }

private:
    std::shared_ptr<const Dataset> dataset_;
    int64_t batch_size_;
    bool shuffle_, drop_last_;
    Generator* gen_;
    int64_t max_batches_ = -1;  // -1: all
};

}  // namespace llm
