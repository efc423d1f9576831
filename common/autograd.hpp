// Autograd: how an op records itself, and how backward() replays the graph.
//
// An op computes its output, then calls record(out, inputs, name, backward).
// If grad mode is on and some input requires a gradient, the output gets a
// Node holding the inputs and a backward function. backward(out, grad_out)
// adds each input's share of the gradient with accumulate_grad(), which
// skips inputs that need none. A chapter adds its own fused op the same way.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace llm {

// An op's input as the graph sees it: enough to reach its gradient and the
// op that made it, but not its values. A backward that reads an input's
// values captures that Tensor; one that only passes a gradient on captures
// an Edge, so the input's buffer can be freed as soon as the forward is done
// with it (tensor.hpp).
class Edge {
public:
    Edge() = default;
    Edge(const Tensor& t) : impl_(t.impl_ptr()) {}  // NOLINT: implicit, any Tensor is an edge
    bool defined() const { return impl_ != nullptr; }
    bool requires_grad() const { return impl_ && impl_->requires_grad; }
    const Shape& shape() const { return impl_->shape; }
    int64_t numel() const { return numel_of(impl_->shape); }
    TensorImpl* impl() const { return impl_.get(); }
    const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

private:
    std::shared_ptr<TensorImpl> impl_;
};

struct Node {
    std::string name;  // "MmBackward", "LayerNormBackward" ...
    std::vector<Edge> inputs;  // keeps the graph alive (not the inputs' values)
    // grad_out has the output's shape; add into the inputs' grads.
    std::function<void(const Tensor& grad_out)> backward;
};

// Is grad mode on (torch.is_grad_enabled())?
bool grad_enabled();

// torch.no_grad(): inside its scope no graph is recorded.
class NoGradGuard {
public:
    NoGradGuard();
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

// True when grad mode is on and any of the inputs requires a gradient.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// Attach a Node to out when needed. The backward function captures what it
// needs by value (Tensors are cheap handles). Returns out.
Tensor record(Tensor out, std::vector<Tensor> inputs, std::string name,
              std::function<void(const Tensor& grad_out)> backward);

// For a backward that saved t's values and needs them no more: when the
// graph is being freed, t needs its first gradient, and the caller's handle
// is the only one to t's buffer, that buffer becomes t's gradient (contents
// unchanged: the caller overwrites them) and true is returned. This is how
// cross-entropy turns the logits into their gradient without a second
// [N, vocabulary] buffer.
bool take_over_as_grad(const Tensor& t);

// t.grad += g (allocating t.grad on first use) when t requires a gradient.
// g must have t's shape.
void accumulate_grad(const Edge& t, const Tensor& g);
// The same from a raw buffer of t.numel() floats, scaled by alpha.
void accumulate_grad(const Edge& t, const float* g, float alpha = 1.0f);
// t's gradient buffer (allocated and zeroed on first use) for ops that
// write into it directly; nullptr when t needs no gradient.
float* grad_buffer(const Edge& t);

// torch.autograd.grad(output, inputs): gradients of a one-element output
// with respect to the given tensors, without touching their .grad.
std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         bool retain_graph = false);

}  // namespace llm
