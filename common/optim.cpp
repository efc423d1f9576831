#include "optim.hpp"

#include <cmath>

#include "error.hpp"

namespace llm {

SGD::SGD(std::vector<Tensor> params, float lr) : lr(lr), params_(std::move(params)) {}

void SGD::step() {
    for (Tensor& p : params_) {
        Tensor g = p.grad();
        if (!g.defined()) continue;
        float* pp = p.data();
        const float* pg = g.data();
        for (int64_t i = 0; i < p.numel(); ++i) pp[i] -= lr * pg[i];
    }
}

void SGD::zero_grad() {
    for (Tensor& p : params_) p.zero_grad();
}

AdamW::AdamW(std::vector<Tensor> params, float lr, float wd, float b1, float b2, float eps)
    : lr(lr), weight_decay(wd), beta1(b1), beta2(b2), eps(eps), params_(std::move(params)) {
    if (lr < 0) throw ValueError("AdamW: invalid learning rate " + std::to_string(lr));
    if (b1 < 0 || b1 >= 1 || b2 < 0 || b2 >= 1) throw ValueError("AdamW: betas must be in [0, 1)");
    // the moments of a parameter come at its first step with a gradient, as
    // PyTorch's optimizer state does: a frozen parameter never costs any
    m_.resize(params_.size());
    v_.resize(params_.size());
}

void AdamW::materialize_state(size_t k) {
    m_[k] = Tensor::zeros(params_[k].shape());
    v_[k] = Tensor::zeros(params_[k].shape());
}

void AdamW::materialize_state() {
    for (size_t k = 0; k < params_.size(); ++k)
        if (!m_[k].defined()) materialize_state(k);
}

void AdamW::step() {
    ++step_;
    const double bc1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(step_));
    const double bc2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(step_));
    const float step_size = static_cast<float>(lr / bc1);
    const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    const float decay = 1.0f - lr * weight_decay;
    const float b1 = beta1, b2 = beta2, e = eps;
    for (size_t k = 0; k < params_.size(); ++k) {
        Tensor g = params_[k].grad();
        if (!g.defined()) continue;
        if (!m_[k].defined()) materialize_state(k);
        float* p = params_[k].data();
        float* m = m_[k].data();
        float* v = v_[k].data();
        const float* pg = g.data();
        const int64_t n = params_[k].numel();
        // One fused pass over parameter, gradient and both moments.
#pragma omp parallel for simd if (n > 65536)
        for (int64_t i = 0; i < n; ++i) {
            p[i] *= decay;
            m[i] = b1 * m[i] + (1.0f - b1) * pg[i];
            v[i] = b2 * v[i] + (1.0f - b2) * pg[i] * pg[i];
            p[i] -= step_size * m[i] / (std::sqrt(v[i]) / bc2_sqrt + e);
        }
    }
}

void AdamW::zero_grad() {
    for (Tensor& p : params_) p.zero_grad();
}

double grad_norm(const std::vector<Tensor>& params) {
    double total = 0;
    for (const Tensor& p : params) {
        Tensor g = p.grad();
        if (!g.defined()) continue;
        const float* pg = g.data();
        const int64_t n = g.numel();
        double s = 0;
#pragma omp parallel for reduction(+ : s) if (n > 65536)
        for (int64_t i = 0; i < n; ++i) s += static_cast<double>(pg[i]) * pg[i];
        total += s;
    }
    return std::sqrt(total);
}

float clip_grad_norm_(const std::vector<Tensor>& params, float max_norm) {
    const double norm = grad_norm(params);
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) {
        for (const Tensor& p : params) {
            Tensor g = p.grad();
            if (!g.defined()) continue;
            float* pg = g.data();
            for (int64_t i = 0; i < g.numel(); ++i) pg[i] *= static_cast<float>(coef);
        }
    }
    return static_cast<float>(norm);
}

}  // namespace llm
