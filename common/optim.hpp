// torch.optim: SGD and AdamW with PyTorch's update rules, and gradient clipping.
#pragma once
#include <vector>

#include "tensor.hpp"

namespace llm {

class SGD {
public:
    SGD(std::vector<Tensor> params, float lr);
    void step();  // p -= lr * grad, for every parameter that has a grad
    void zero_grad();  // drops the grads (set_to_none, PyTorch's default since 2.0)
    float lr;

private:
    std::vector<Tensor> params_;
};

// Decoupled weight decay (Loshchilov & Hutter), applied to every parameter
// given, as torch.optim.AdamW over model.parameters() does:
//   p *= 1 - lr*wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
class AdamW {
public:
    AdamW(std::vector<Tensor> params, float lr = 1e-3f, float weight_decay = 0.01f,
          float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f);
    void step();
    void zero_grad();
    float lr, weight_decay, beta1, beta2, eps;
    // State, for checkpoints: the step count and both moments per parameter
    // (undefined for a parameter that has had no gradient yet, until
    // materialize_state() makes them zeros).
    void materialize_state();
    int64_t steps() const { return step_; }
    void set_steps(int64_t s) { step_ = s; }
    std::vector<Tensor>& exp_avg() { return m_; }
    std::vector<Tensor>& exp_avg_sq() { return v_; }
    const std::vector<Tensor>& params() const { return params_; }

private:
    void materialize_state(size_t k);  // zero moments for parameter k
    std::vector<Tensor> params_, m_, v_;
    int64_t step_ = 0;
};

// Scales all grads so that their global L2 norm is at most max_norm
// (torch.nn.utils.clip_grad_norm_); returns the norm before clipping.
float clip_grad_norm_(const std::vector<Tensor>& params, float max_norm);
// The global L2 norm of the grads.
double grad_norm(const std::vector<Tensor>& params);

}  // namespace llm
