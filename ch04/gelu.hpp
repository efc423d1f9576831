// Section 4.3: the GELU activation (tanh approximation, as GPT-2) and the
// feed-forward network of each transformer block (listing 4.4).
#pragma once
#include "nn.hpp"

namespace llm::ch04 {

struct GPTConfig;

// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), listing 4.3.
class GELU : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "GELU"; }
    // true: the fast tier (gelu_fused.cpp); false: the listing's formula.
    bool fused = false;
};

// layers = Sequential(Linear(emb, 4 emb), GELU, Linear(4 emb, emb)):
// expand to four times the width, apply the nonlinearity, project back.
class FeedForward : public Module {
public:
    explicit FeedForward(const GPTConfig& cfg);
    Tensor forward(const Tensor& x) override {
        return layers->forward(x);
    }  // [B, T, emb] -> [B, T, emb]
    std::string type_name() const override { return "FeedForward"; }
    std::shared_ptr<Sequential> layers;
};

}  // namespace llm::ch04
