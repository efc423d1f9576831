#include "gelu.hpp"

#include <cmath>
#include <numbers>

#include "gelu_fused.hpp"
#include "gpt_config.hpp"
#include "ops.hpp"

namespace llm::ch04 {

Tensor GELU::forward(const Tensor& x) {
    if (fused) return gelu_fused(x);  // the fast tier
    // the book's listing 4.3: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    const float sqrt_2_over_pi = std::sqrt(2.0f / std::numbers::pi_v<float>);
    return 0.5f * x * (1.0f + tanh(sqrt_2_over_pi * (x + 0.044715f * pow(x, 3.0f))));
}

FeedForward::FeedForward(const GPTConfig& cfg) {
    layers = register_module("layers",
                             std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
                                 std::make_shared<Linear>(cfg.emb_dim, 4 * cfg.emb_dim),
                                 std::make_shared<GELU>(),
                                 std::make_shared<Linear>(4 * cfg.emb_dim, cfg.emb_dim),
                             }));
}

}  // namespace llm::ch04
