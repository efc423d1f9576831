#include "toy_dataset.hpp"

#include "error.hpp"

namespace llm::appendix_a {

ToyDataset::ToyDataset(Tensor X, IntTensor y) : features(std::move(X)), labels(std::move(y)) {
    if (features.dim() != 2 || features.size(0) != labels.numel())
        throw ShapeError("ToyDataset: features " + shape_str(features.shape()) + " do not match " +
                         std::to_string(labels.numel()) + " labels");
}

std::pair<Tensor, int64_t> ToyDataset::get(int64_t i) const {
    const int64_t d = features.size(1);
    return {Tensor::from(std::vector<float>(features.data() + i * d, features.data() + (i + 1) * d),
                         {d}),
            labels.data[static_cast<size_t>(i)]};
}

ToyDataset::Batch ToyDataset::collate(const std::vector<std::pair<Tensor, int64_t>>& items) {
    std::vector<float> x;
    std::vector<int64_t> y;
    for (const auto& [f, l] : items) {
        x.insert(x.end(), f.data(), f.data() + f.numel());
        y.push_back(l);
    }
    const int64_t n = static_cast<int64_t>(items.size());
    return {Tensor::from(std::move(x), {n, n ? static_cast<int64_t>(items[0].first.numel()) : 0}),
            IntTensor({n}, std::move(y))};
}

ToyDataset toy_train_data() {
    return {
        Tensor::from({{-1.2f, 3.1f}, {-0.9f, 2.9f}, {-0.5f, 2.6f}, {2.3f, -1.1f}, {2.7f, -1.5f}}),
        IntTensor({5}, {0, 0, 0, 1, 1})};
}

ToyDataset toy_test_data() {
    return {Tensor::from({{-0.8f, 2.8f}, {2.6f, -1.6f}}), IntTensor({2}, {0, 1})};
}

}  // namespace llm::appendix_a
