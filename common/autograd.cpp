#include "autograd.hpp"

#include <set>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "error.hpp"

namespace llm {

namespace {
thread_local bool g_grad_enabled = true;
thread_local bool g_freeing_graph = false;  // inside a backward() that frees the graph as it goes
thread_local const TensorImpl* g_handed_on =
    nullptr;  // the grad_out buffer backward owns and may pass on

// The tensors behind root in an order where each comes after all that use it.
// (Shared pointers: freeing the graph as backward goes must not free a node
// still to come.)
std::vector<std::shared_ptr<TensorImpl>> topological_order(
    const std::shared_ptr<TensorImpl>& root) {
    std::vector<std::shared_ptr<TensorImpl>> order;
    std::unordered_set<TensorImpl*> seen;
    // Iterative post-order DFS (graphs of deep models overflow recursion).
    struct Frame {
        std::shared_ptr<TensorImpl> t;
        size_t next;
    };
    std::vector<Frame> stack{{root, 0}};
    seen.insert(root.get());
    while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& fn = f.t->grad_fn;
        if (fn && f.next < fn->inputs.size()) {
            const Edge& in = fn->inputs[f.next++];
            if (in.requires_grad() && seen.insert(in.impl()).second)
                stack.push_back({in.impl_ptr(), 0});
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
    struct Reset {
        bool previous = g_freeing_graph;
        ~Reset() {
            g_freeing_graph = previous;
            g_handed_on = nullptr;
        }
    } reset;
    g_freeing_graph = free_graph;
    for (const auto& t : order) {
        if (!t->grad_fn) continue;  // a leaf: its .grad stays
        if (!t->grad) continue;
        const Tensor g(std::move(t->grad));  // non-leaf grads are not kept (as in PyTorch)
        {
            NoGradGuard no_grad;  // backward itself records nothing
            g_handed_on = g.impl();
            t->grad_fn->backward(g);
            g_handed_on = nullptr;
        }
        if (free_graph) t->grad_fn.reset();
    }
}
}  // namespace

bool grad_enabled() { return g_grad_enabled; }

bool take_over_as_grad(const Tensor& t) {
    TensorImpl* impl = t.impl();
    if (!g_freeing_graph || !impl->requires_grad || impl->grad || impl->handles.load() != 1 ||
        !impl->storage || impl->storage.use_count() != 1)
        return false;
    auto grad = std::make_shared<TensorImpl>();
    grad->shape = impl->shape;
    grad->storage = impl->storage;
    impl->grad = std::move(grad);
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
    // The first gradient of t, and g is the buffer backward() handed to this
    // op and nobody else holds: take it over (a view's gradient is the same
    // numbers in t's shape) instead of copying it.
    if (!t.impl()->grad && g.impl() == g_handed_on && g.impl()->storage.use_count() == 1) {
        auto grad = std::make_shared<TensorImpl>();
        grad->shape = t.shape();
        grad->storage = g.impl()->storage;
        t.impl()->grad = std::move(grad);
        g_handed_on = nullptr;
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
    std::vector<std::pair<TensorImpl*, std::shared_ptr<TensorImpl>>> saved;
    std::set<const Node*> seen;
    std::vector<TensorImpl*> todo{output.impl()};
    for (const Tensor& t : inputs) todo.push_back(t.impl());
    std::set<TensorImpl*> parked;
    while (!todo.empty()) {
        TensorImpl* t = todo.back();
        todo.pop_back();
        if (!t || !parked.insert(t).second) continue;
        saved.emplace_back(t, std::move(t->grad));
        t->grad.reset();
        if (t->grad_fn && seen.insert(t->grad_fn.get()).second)
            for (const Edge& e : t->grad_fn->inputs) todo.push_back(e.impl());
    }
    run_backward(output, Tensor::ones(output.shape()), !retain_graph);
    std::vector<Tensor> result;
    for (const Tensor& t : inputs) {
        auto g = t.impl()->grad;
        result.push_back(g ? Tensor(g) : Tensor::zeros(t.shape()));
    }
    for (auto& [t, g] : saved) t->grad = std::move(g);
    return result;
}

}  // namespace llm
