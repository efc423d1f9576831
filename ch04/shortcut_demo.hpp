// Section 4.4: why shortcut (residual) connections matter. Five layers of
// Linear + GELU; with shortcuts each layer's input is added to its output,
// which keeps the gradients of the first layers from vanishing.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "nn.hpp"

namespace llm::ch04 {

class ExampleDeepNeuralNetwork : public Module {
public:
    ExampleDeepNeuralNetwork(const std::vector<int64_t>& layer_sizes, bool use_shortcut);
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "ExampleDeepNeuralNetwork"; }
    std::shared_ptr<ModuleList> layers;
    bool use_shortcut;
};

// The book's print_gradients: MSE against target [[0.]], backward, then the
// mean absolute gradient of every weight matrix, by name.
std::vector<std::pair<std::string, double>> mean_weight_gradients(Module& model, const Tensor& x);

}  // namespace llm::ch04
