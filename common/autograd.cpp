#include "autograd.hpp"

#include <set>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "error.hpp"

namespace llm {

namespace {
thread_local bool g_grad_enabled = true;  // torch.no_grad() is per thread in PyTorch too

// The tensors behind root in an order where each comes after all that use it.
// (Shared pointers: freeing the graph as backward goes must not free a node
// still to come.)
std::vector<std::shared_ptr<AutogradMeta>> topological_order(
    const std::shared_ptr<AutogradMeta>& root) {
    std::vector<std::shared_ptr<AutogradMeta>> order;
    std::unordered_set<AutogradMeta*> seen;
    // Iterative post-order DFS (graphs of deep models overflow recursion).
    struct Frame {
        std::shared_ptr<AutogradMeta> t;
        size_t next;
    };
    std::vector<Frame> stack{{root, 0}};
    seen.insert(root.get());
    while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& fn = f.t->grad_fn;
        if (fn && f.next < fn->inputs.size()) {
            const Edge& in = fn->inputs[f.next++];
            if (in.requires_grad() && seen.insert(in.meta()).second)
                stack.push_back({in.meta_ptr(), 0});
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
    const auto order = topological_order(root.impl()->autograd);
    accumulate_grad(root, grad_output);
    for (const auto& t : order) {
        if (!t->grad_fn) continue;  // a leaf: its .grad stays
        if (!t->grad.defined()) continue;
        Tensor g = std::move(t->grad);  // non-leaf grads are not kept (as in PyTorch)
        t->grad = Tensor();
        std::shared_ptr<Node> fn = free_graph ? std::move(t->grad_fn) : t->grad_fn;
        NoGradGuard no_grad;  // backward itself records nothing
        fn->backward(std::move(g), free_graph);
    }
}
}  // namespace

bool grad_enabled() { return g_grad_enabled; }

bool take_over_as_grad(const Tensor& t) {
    AutogradMeta* meta = t.impl()->autograd.get();
    if (!meta || !meta->requires_grad || meta->grad.defined() || t.impl_ptr().use_count() != 1 ||
        t.storage_ptr().use_count() != 1)
        return false;
    meta->grad = Tensor::over(meta->shape, t.storage_ptr());
    return true;
}

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

Tensor record_with_last_run(Tensor out, std::vector<Tensor> inputs, std::string name,
                            BackwardLastRun backward) {
    if (!needs_grad(inputs)) return out;
    auto node = std::make_shared<Node>();
    node->name = std::move(name);
    node->inputs.assign(inputs.begin(), inputs.end());
    node->backward = std::move(backward);
    auto meta = std::make_shared<AutogradMeta>();
    meta->shape = out.shape();
    meta->requires_grad = true;
    meta->grad_fn = std::move(node);
    out.impl()->autograd = std::move(meta);
    return out;
}

Tensor record(Tensor out, std::vector<Tensor> inputs, std::string name, Backward backward) {
    return record_with_last_run(
        std::move(out), std::move(inputs), std::move(name),
        [f = std::move(backward)](Tensor g, bool /*last_run*/) { f(std::move(g)); });
}

float* grad_buffer(const Edge& t) {
    if (!t.requires_grad()) return nullptr;
    Tensor& g = t.meta()->grad;
    if (!g.defined()) g = Tensor::zeros(t.shape());
    return g.data();
}

float* grad_buffer(const Edge& t, float& beta) {
    if (!t.requires_grad()) return nullptr;
    Tensor& g = t.meta()->grad;
    beta = g.defined() ? 1.0f : 0.0f;
    if (!g.defined()) g = Tensor::empty(t.shape());
    return g.data();
}

void accumulate_grad(const Edge& t, const float* g, float alpha) {
    float* dst = grad_buffer(t);
    if (!dst) return;
    const int64_t n = t.numel();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) dst[i] += alpha * g[i];
}

namespace {
void check_grad_shape(const Edge& t, const Tensor& g) {
    if (g.numel() != t.numel())
        throw ShapeError("gradient of shape " + shape_str(g.shape()) + " for a tensor of shape " +
                         shape_str(t.shape()));
}
}  // namespace

void accumulate_grad(const Edge& t, const Tensor& g) {
    if (!t.requires_grad()) return;
    check_grad_shape(t, g);
    accumulate_grad(t, g.data());
}

void accumulate_grad(const Edge& t, Tensor&& g) {
    if (!t.requires_grad()) return;
    check_grad_shape(t, g);
    if (!t.meta()->grad.defined() && g.impl_ptr().use_count() == 1 &&
        g.storage_ptr().use_count() == 1) {
        t.meta()->grad = Tensor::over(t.shape(), g.storage_ptr());
        g = Tensor();
        return;
    }
    accumulate_grad(t, g.data());
}

void Tensor::backward() const {
    if (numel() != 1)
        throw ValueError(
            "backward(): grad can be implicitly created only for one-element outputs, got shape " +
            shape_str(shape()));
    backward(Tensor::ones(shape()));
}

void Tensor::backward(const Tensor& grad_output) const { run_backward(*this, grad_output, true); }

std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         bool retain_graph) {
    // torch.autograd.grad leaves every .grad as it was: park the .grad of every
    // tensor the graph reaches (not only the inputs'), run backward, collect
    // the inputs' gradients, restore.
    for (const Tensor& t : inputs)
        if (!t.requires_grad()) throw ValueError("autograd::grad: an input does not require grad");
    std::vector<std::pair<AutogradMeta*, Tensor>> saved;
    std::set<const Node*> seen;
    std::vector<AutogradMeta*> pending{output.impl()->autograd.get()};
    for (const Tensor& t : inputs) pending.push_back(t.impl()->autograd.get());
    std::set<AutogradMeta*> parked;
    while (!pending.empty()) {
        AutogradMeta* t = pending.back();
        pending.pop_back();
        if (!t || !parked.insert(t).second) continue;
        saved.emplace_back(t, std::move(t->grad));
        t->grad = Tensor();
        if (t->grad_fn && seen.insert(t->grad_fn.get()).second)
            for (const Edge& e : t->grad_fn->inputs) pending.push_back(e.meta());
    }
    run_backward(output, Tensor::ones(output.shape()), !retain_graph);
    std::vector<Tensor> result;
    for (const Tensor& t : inputs) {
        const Tensor g = t.grad();
        result.push_back(g.defined() ? g : Tensor::zeros(t.shape()));
    }
    for (auto& [t, g] : saved) t->grad = std::move(g);
    return result;
}

}  // namespace llm
