// Listing A.6-A.7: the toy data set and its loaders.
#pragma once
#include <utility>

#include "data.hpp"
#include "tensor.hpp"

namespace llm::appendix_a {

// Features [N, 2] with class labels [N].
struct ToyDataset {
    Tensor features;
    IntTensor labels;
    ToyDataset(Tensor X, IntTensor y);
    int64_t size() const { return labels.numel(); }
    std::pair<Tensor, int64_t> get(int64_t i) const;  // one example: [2] and its label
    // Stacks examples into a batch: [B, 2] and [B].
    struct Batch {
        Tensor features;
        IntTensor labels;
    };
    static Batch collate(const std::vector<std::pair<Tensor, int64_t>>& items);
};

// The book's five training and two test examples.
ToyDataset toy_train_data();
ToyDataset toy_test_data();

}  // namespace llm::appendix_a
