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

// What autograd keeps of a tensor, apart from its values (PyTorch's
// AutogradMeta). A tensor that requires a gradient has one; the graph links
// these, never the values.
struct AutogradMeta {
    Shape shape;
    bool requires_grad = false;
    Tensor grad;  // same shape, allocated on first use
    std::shared_ptr<Node> grad_fn;  // the op that made the tensor (non-leaf)
};

// An op's input as the graph sees it: enough to reach its gradient and the
// op that made it, but not its values. A backward that reads an input's
// values captures that Tensor; one that only passes a gradient on captures
// an Edge, so the input's buffer is freed as soon as the forward is done
// with it.
class Edge {
public:
    Edge() = default;
    Edge(const Tensor& t)  // NOLINT: implicit, any Tensor is an edge
        : shape_(t.defined() ? t.shape() : Shape{}),
          meta_(t.defined() ? t.impl()->autograd : nullptr) {}
    bool defined() const { return meta_ != nullptr; }
    bool requires_grad() const { return meta_ && meta_->requires_grad; }
    const Shape& shape() const { return shape_; }
    int64_t numel() const { return numel_of(shape_); }
    AutogradMeta* meta() const { return meta_.get(); }
    const std::shared_ptr<AutogradMeta>& meta_ptr() const { return meta_; }

private:
    Shape shape_;
    std::shared_ptr<AutogradMeta> meta_;
};

// An op's backward: grad_out has the output's shape; add into the inputs'
// grads. The gradient is the backward's own (passed by value): one that only
// hands it on moves it into accumulate_grad, which keeps the buffer instead
// of copying it.
using Backward = std::function<void(Tensor grad_out)>;
// The same, told whether this is the node's last run (backward() frees the
// graph as it goes, so nothing will call it again): then it may consume
// what it saved, as cross-entropy turns the logits' buffer into their gradient.
using BackwardLastRun = std::function<void(Tensor grad_out, bool last_run)>;

struct Node {
    std::string name;  // "MmBackward", "LayerNormBackward" ...
    std::vector<Edge> inputs;  // keeps the graph alive (not the inputs' values)
    BackwardLastRun backward;
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
Tensor record(Tensor out, std::vector<Tensor> inputs, std::string name, Backward backward);
Tensor record_with_last_run(Tensor out, std::vector<Tensor> inputs, std::string name,
                            BackwardLastRun backward);

// For a backward on its last run that saved t and needs its values no more:
// when t needs its first gradient and the saved handle is the only one to
// t's buffer, that buffer becomes t's gradient (contents unchanged: the
// caller overwrites them) and true is returned.
bool take_over_as_grad(const Tensor& t);

// t.grad += g (allocating t.grad on first use) when t requires a gradient.
// g must have t's shape. A g passed as an rvalue that nothing else holds
// becomes t's first gradient as it is (a view's gradient is the same numbers
// in t's shape), instead of being copied.
void accumulate_grad(const Edge& t, const Tensor& g);
void accumulate_grad(const Edge& t, Tensor&& g);
// The same from a raw buffer of t.numel() floats, scaled by alpha.
void accumulate_grad(const Edge& t, const float* g, float alpha = 1.0f);
// t's gradient buffer (allocated and zeroed on first use) for ops that
// write into it directly; nullptr when t needs no gradient.
float* grad_buffer(const Edge& t);
// The same for an op that writes a whole product into it (sgemm's beta):
// on first use the buffer is not zeroed and beta is 0 (overwrite), after
// that beta is 1 (add). Saves a pass of zeros over every weight's gradient.
float* grad_buffer(const Edge& t, float& beta);

// torch.autograd.grad(output, inputs): gradients of a one-element output
// with respect to the given tensors, without touching their .grad.
std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         bool retain_graph = false);

}  // namespace llm
