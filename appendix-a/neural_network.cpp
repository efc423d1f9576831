#include "neural_network.hpp"

namespace llm::appendix_a {

NeuralNetwork::NeuralNetwork(int64_t num_inputs, int64_t num_outputs) {
    // Constructed in the book's order, so a seeded run draws the same weights.
    layers = register_module(
        "layers",
        std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
            std::make_shared<Linear>(num_inputs, 30),  // 1st hidden layer
            std::make_shared<ReLU>(), std::make_shared<Linear>(30, 20),  // 2nd hidden layer
            std::make_shared<ReLU>(), std::make_shared<Linear>(20, num_outputs),  // output layer
        }));
}

Tensor NeuralNetwork::forward(const Tensor& x) { return layers->forward(x); }

}  // namespace llm::appendix_a
