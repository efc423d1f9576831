// Listings A.9-A.11: the training loop and accuracy.
#pragma once
#include <functional>
#include <vector>

#include "neural_network.hpp"
#include "toy_dataset.hpp"

namespace llm::appendix_a {

// SGD on cross-entropy for num_epochs passes over the loader; returns the
// loss of every batch. on_batch(epoch, batch_idx, loss) is called after each step.
std::vector<float> train(NeuralNetwork& model, const DataLoader<ToyDataset>& loader, int num_epochs,
                         float lr, const std::function<void(int, int, float)>& on_batch = {});

// Share of examples whose argmax prediction equals the label (listing A.10).
double compute_accuracy(NeuralNetwork& model, const DataLoader<ToyDataset>& loader);

}  // namespace llm::appendix_a
