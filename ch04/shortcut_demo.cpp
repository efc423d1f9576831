#include "shortcut_demo.hpp"

#include "gelu.hpp"
#include "ops.hpp"

namespace llm::ch04 {

ExampleDeepNeuralNetwork::ExampleDeepNeuralNetwork(const std::vector<int64_t>& s, bool shortcut)
    : use_shortcut(shortcut) {
    layers = register_module("layers", std::make_shared<ModuleList>());
    for (size_t i = 0; i + 1 < s.size(); ++i)
        layers->push_back(std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
            std::make_shared<Linear>(s[i], s[i + 1]), std::make_shared<GELU>()}));
}

Tensor ExampleDeepNeuralNetwork::forward(const Tensor& input) {
    Tensor x = input;
    for (size_t i = 0; i < layers->size(); ++i) {
        const Tensor out = layers->at<Sequential>(i).forward(x);
        x = use_shortcut && out.shape() == x.shape() ? x + out : out;  // the shortcut
    }
    return x;
}

std::vector<std::pair<std::string, double>> mean_weight_gradients(Module& model, const Tensor& x) {
    model.zero_grad();
    const Tensor output = model.forward(x);
    const Tensor target = Tensor::zeros(output.shape());
    mse_loss(output, target).backward();
    std::vector<std::pair<std::string, double>> out;
    for (auto& [name, p] : model.named_parameters()) {
        if (name.find("weight") == std::string::npos) continue;
        const Tensor g = p.grad();
        double s = 0;
        for (int64_t i = 0; i < g.numel(); ++i) s += std::abs(g.data()[i]);
        out.emplace_back(name, s / static_cast<double>(g.numel()));
    }
    return out;
}

}  // namespace llm::ch04
