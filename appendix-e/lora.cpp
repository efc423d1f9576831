#include "lora.hpp"

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"

namespace llm::appendix_e {

LoRAScaling parse_lora_scaling(const std::string& s) {
    if (s == "alpha-over-rank") return LoRAScaling::AlphaOverRank;
    if (s == "alpha") return LoRAScaling::Alpha;
    throw ValueError("unknown LoRA scaling '" + s + "' (alpha-over-rank or alpha)");
}

LoRALayer::LoRALayer(int64_t in_dim, int64_t out_dim, int64_t rank_, double alpha_,
                     LoRAScaling scaling)
    : rank(rank_), alpha(alpha_), scaling_kind(scaling) {
    if (in_dim <= 0 || out_dim <= 0 || rank <= 0)
        throw ValueError("LoRALayer: in_dim, out_dim and rank must be positive");
    A = Tensor::empty({in_dim, rank});
    kaiming_uniform_(A, std::sqrt(5.0));  // similar to standard weight initialization
    B = Tensor::zeros({rank, out_dim});
    register_parameter("A", &A);
    register_parameter("B", &B);
}

float LoRALayer::scaling() const {
    return static_cast<float>(
        scaling_kind == LoRAScaling::Alpha ? alpha : alpha / static_cast<double>(rank));
}

Tensor LoRALayer::forward(const Tensor& x) {
    return scaling() * matmul(matmul(x, A), B);  // [..., in] @ [in, r] @ [r, out]
}

LinearWithLoRA::LinearWithLoRA(std::shared_ptr<Linear> linear_, int64_t rank, double alpha,
                               LoRAScaling scaling)
    : Linear(Wrapper{}, linear_->in_features, linear_->out_features), linear(std::move(linear_)) {
    register_module("linear", linear);
    lora = register_module("lora",
                           std::make_shared<LoRALayer>(linear->in_features, linear->out_features,
                                                       rank, alpha, scaling));
    weight = linear->weight;  // the same tensors, under the child's names only
    bias = linear->bias;
}

Tensor LinearWithLoRA::forward(const Tensor& x) { return linear->forward(x) + lora->forward(x); }

void LinearWithLoRA::set_child(const std::string& name, std::shared_ptr<Module> m) {
    if (name == "linear") {
        set_typed_child(linear, name, m);
        weight = linear->weight;
        bias = linear->bias;
        return;
    }
    if (name == "lora") return set_typed_child(lora, name, m);
    Module::set_child(name, m);
}

void replace_linear_with_lora(Module& model, int64_t rank, double alpha, LoRAScaling scaling) {
    const auto children = model.named_children();  // a copy: replacing changes the list
    for (const auto& [name, module] : children) {
        auto linear = std::dynamic_pointer_cast<Linear>(module);
        if (linear && !std::dynamic_pointer_cast<LinearWithLoRA>(module))
            // Replace the Linear with LinearWithLoRA
            model.replace_module(name,
                                 std::make_shared<LinearWithLoRA>(linear, rank, alpha, scaling));
        else
            // Recursively apply the same function to child modules
            replace_linear_with_lora(*module, rank, alpha, scaling);
    }
}

void merge_lora(Module& model) {
    const auto children = model.named_children();
    for (const auto& [name, module] : children) {
        auto wrapped = std::dynamic_pointer_cast<LinearWithLoRA>(module);
        if (!wrapped) {
            merge_lora(*module);
            continue;
        }
        merge_lora(*wrapped);  // a nested wrapper first
        const Linear& base = *wrapped->linear;
        const LoRALayer& lora = *wrapped->lora;
        const std::string rng = default_generator().state();  // a new Linear draws its init;
        auto merged =
            std::make_shared<Linear>(base.in_features, base.out_features, base.bias.defined());
        default_generator().set_state(rng);  // merging must not move the generator
        NoGradGuard no_grad;
        // W [out, in] + scaling * (A [in, r] @ B [r, out])^T
        merged->weight.copy_(base.weight + (lora.scaling() * matmul(lora.A, lora.B)).T());
        if (base.bias.defined()) merged->bias.copy_(base.bias);
        merged->weight.requires_grad_(base.weight.requires_grad());
        if (merged->bias.defined()) merged->bias.requires_grad_(base.bias.requires_grad());
        model.replace_module(name, merged);
    }
}

int64_t count_trainable(const Module& model) {
    int64_t n = 0;
    for (const Tensor& p : model.parameters())
        if (p.requires_grad()) n += p.numel();
    return n;
}

}  // namespace llm::appendix_e
