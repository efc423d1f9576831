#include "autograd.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "error.hpp"

namespace llm {

namespace {
thread_local bool g_grad_enabled = true;

// The tensors behind root in an order where each comes after all that use it.
// (Shared pointers: freeing the graph as backward goes must not free a node
// still to come.)
std::vector<std::shared_ptr<TensorImpl>> topological_order(const std::shared_ptr<TensorImpl>& root) {
    std::vector<std::shared_ptr<TensorImpl>> order;
    std::unordered_set<TensorImpl*> seen;
    // Iterative post-order DFS (graphs of deep models overflow recursion).
    struct Frame { std::shared_ptr<TensorImpl> t; size_t next; };
    std::vector<Frame> stack{{root, 0}};
    seen.insert(root.get());
    while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& fn = f.t->grad_fn;
        if (fn && f.next < fn->inputs.size()) {
            const Edge& in = fn->inputs[f.next++];
            if (in.requires_grad() && seen.insert(in.impl()).second) stack.push_back({in.impl_ptr(), 0});
        } else {
            order.push_back(f.t);
            stack.pop_back();
        }
    }
    std::reverse(order.begin(), order.end());
    return order;
}

void run_backward(const Tensor& root, const Tensor& grad_output, bool free_graph) {
    if (!root.requires_grad())
        throw ValueError("backward(): the tensor does not require grad and has no grad_fn");
    const auto order = topological_order(root.impl_ptr());
    accumulate_grad(root, grad_output);
    for (const auto& t : order) {
        if (!t->grad_fn) continue;  // a leaf: its .grad stays
        if (!t->grad) continue;
        const Tensor g(std::move(t->grad));  // non-leaf grads are not kept (as in PyTorch)
        {
            NoGradGuard no_grad;  // backward itself records nothing
            t->grad_fn->backward(g);
        }
        if (free_graph) t->grad_fn.reset();
    }
}
}  // namespace

bool grad_enabled() { return g_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
    if (!g_grad_enabled) return false;
    for (const Tensor* t : inputs)
        if (t && t->defined() && t->requires_grad()) return true;
    return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
    if (!g_grad_enabled) return false;
    for (const Tensor& t : inputs)
        if (t.defined() && t.requires_grad()) return true;
    return false;
}

Tensor record(Tensor out, std::vector<Tensor> inputs, std::string name,
              std::function<void(const Tensor& grad_out)> backward) {
    if (!needs_grad(inputs)) return out;
    auto node = std::make_shared<Node>();
    node->name = std::move(name);
    node->inputs.assign(inputs.begin(), inputs.end());
    node->backward = std::move(backward);
    out.impl()->grad_fn = std::move(node);
    out.impl()->requires_grad = true;
    return out;
}

float* grad_buffer(const Edge& t) {
    if (!t.defined() || !t.requires_grad()) return nullptr;
    auto& g = t.impl()->grad;
    if (!g) {
        g = std::make_shared<TensorImpl>();
        g->shape = t.shape();
        g->storage = std::make_shared<Storage>(static_cast<size_t>(t.numel()), 0.0f);
    }
    return g->storage->data();
}

void accumulate_grad(const Edge& t, const float* g, float alpha) {
    float* dst = grad_buffer(t);
    if (!dst) return;
    const int64_t n = t.numel();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) dst[i] += alpha * g[i];
}

void accumulate_grad(const Edge& t, const Tensor& g) {
    if (!t.defined() || !t.requires_grad()) return;
    if (g.numel() != t.numel())
        throw ShapeError("gradient of shape " + shape_str(g.shape()) + " for a tensor of shape " +
                         shape_str(t.shape()));
    accumulate_grad(t, g.data());
}

void Tensor::backward() const {
    if (numel() != 1)
        throw ValueError("backward(): grad can be implicitly created only for one-element outputs, got shape " +
                         shape_str(shape()));
    backward(Tensor::ones(shape()));
}

void Tensor::backward(const Tensor& grad_output) const { run_backward(*this, grad_output, true); }

std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs, bool retain_graph) {
    // Park the inputs' current .grad, run backward, collect, restore.
    std::vector<std::shared_ptr<TensorImpl>> saved;
    for (const Tensor& t : inputs) {
        if (!t.requires_grad()) throw ValueError("autograd::grad: an input does not require grad");
        saved.push_back(t.impl()->grad);
        t.impl()->grad.reset();
    }
    run_backward(output, Tensor::ones(output.shape()), !retain_graph);
    std::vector<Tensor> result;
    for (size_t i = 0; i < inputs.size(); ++i) {
        auto g = inputs[i].impl()->grad;
        result.push_back(g ? Tensor(g) : Tensor::zeros(inputs[i].shape()));
        inputs[i].impl()->grad = saved[i];
    }
    return result;
}

}  // namespace llm
