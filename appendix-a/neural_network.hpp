// Listing A.9: a multilayer perceptron with two hidden layers.
#pragma once
#include "nn.hpp"

namespace llm::appendix_a {

// layers = Sequential(Linear(in, 30), ReLU, Linear(30, 20), ReLU, Linear(20, out))
class NeuralNetwork : public Module {
public:
    NeuralNetwork(int64_t num_inputs, int64_t num_outputs);
    Tensor forward(const Tensor& x) override;  // x: [N, in] -> logits [N, out]
    std::string type_name() const override { return "NeuralNetwork"; }
    std::shared_ptr<Sequential> layers;
};

}  // namespace llm::appendix_a
