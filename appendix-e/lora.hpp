// Appendix E.4: low-rank adaptation. A frozen Linear layer W gets a trainable
// side path x A B of rank r (A [in, r], B [r, out]), so finetuning learns
// r * (in + out) numbers per layer instead of in * out.
#pragma once
#include <memory>
#include <string>

#include "nn.hpp"

namespace llm::appendix_e {

// How the low-rank product is scaled. The printed book multiplies it by
// alpha; the book's repository (since September 2025) and the LoRA paper by
// alpha / rank, which keeps the update's size independent of the rank.
enum class LoRAScaling { AlphaOverRank, Alpha };
LoRAScaling parse_lora_scaling(const std::string& s);  // "alpha-over-rank" or "alpha"

class LoRALayer : public Module {
public:
    LoRALayer(int64_t in_dim, int64_t out_dim, int64_t rank, double alpha,
              LoRAScaling scaling = LoRAScaling::AlphaOverRank);
    Tensor forward(const Tensor& x) override;  // [..., in] -> scaling * x @ A @ B  [..., out]
    std::string type_name() const override { return "LoRALayer"; }
    float scaling() const;  // alpha / rank or alpha

    Tensor A;  // [in_dim, rank], kaiming_uniform_(a = sqrt(5)): U(-1/sqrt(rank), 1/sqrt(rank))
    Tensor B;  // [rank, out_dim], zeros: the layer starts as the Linear it wraps
    int64_t rank;
    double alpha;
    LoRAScaling scaling_kind;
};

// linear(x) + lora(x). It is a Linear by its shapes (so it can take a
// Linear's place in a model), but its parameters are its two children's:
// state_dict names "...W_query.linear.weight", "...W_query.lora.A", as the book's.
class LinearWithLoRA : public Linear {
public:
    LinearWithLoRA(std::shared_ptr<Linear> linear, int64_t rank, double alpha,
                   LoRAScaling scaling = LoRAScaling::AlphaOverRank);
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "LinearWithLoRA"; }
    std::string extra_repr() const override { return ""; }

    std::shared_ptr<Linear> linear;
    std::shared_ptr<LoRALayer> lora;

protected:
    void set_child(const std::string& name, std::shared_ptr<Module> m) override;
};

// Every Linear in the module tree becomes a LinearWithLoRA, in place, walking
// named_children() depth first as the book's recursion does.
void replace_linear_with_lora(Module& model, int64_t rank, double alpha,
                              LoRAScaling scaling = LoRAScaling::AlphaOverRank);

// Not in the book: every LinearWithLoRA becomes a plain Linear again with
// W + scaling * (A B)^T as its weight, so the model is the book's GPTModel
// (loads with its state_dict names) and runs at the speed of one product.
void merge_lora(Module& model);

// Parameters with requires_grad: the book's sum(p.numel() ... if p.requires_grad).
int64_t count_trainable(const Module& model);

}  // namespace llm::appendix_e
