#include "training.hpp"

#include "autograd.hpp"
#include "ops.hpp"
#include "optim.hpp"

namespace llm::appendix_a {

std::vector<float> train(NeuralNetwork& model, const DataLoader<ToyDataset>& loader, int num_epochs,
                         float lr, const std::function<void(int, int, float)>& on_batch) {
    SGD optimizer(model.parameters(), lr);
    std::vector<float> losses;
    for (int epoch = 0; epoch < num_epochs; ++epoch) {
        model.train();
        int batch_idx = 0;
        for (const auto& batch : loader.batches()) {
            const Tensor logits = model.forward(batch.features);  // [B, 2]
            const Tensor loss = cross_entropy(logits, batch.labels);
            optimizer.zero_grad();  // gradients from the last step would add up
            loss.backward();
            optimizer.step();
            losses.push_back(loss.item());
            if (on_batch) on_batch(epoch, batch_idx, loss.item());
            ++batch_idx;
        }
        model.eval();
    }
    return losses;
}

double compute_accuracy(NeuralNetwork& model, const DataLoader<ToyDataset>& loader) {
    model.eval();
    NoGradGuard no_grad;
    int64_t correct = 0, total = 0;
    for (const auto& batch : loader.batches()) {
        const IntTensor pred = argmax(model.forward(batch.features), 1);
        for (int64_t i = 0; i < pred.numel(); ++i)
            correct +=
                pred.data[static_cast<size_t>(i)] == batch.labels.data[static_cast<size_t>(i)];
        total += pred.numel();
    }
    return total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

}  // namespace llm::appendix_a
