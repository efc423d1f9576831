#include "nn.hpp"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <unordered_set>

#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"

namespace llm {

// ---- Module --------------------------------------------------------------------

Tensor Module::forward(const Tensor&) {
    throw ValueError(type_name() + " has no single-tensor forward()");
}

void Module::register_parameter(std::string name, Tensor* t) {
    if (t->defined()) t->requires_grad_(true);
    params_.emplace_back(std::move(name), t);
}

void Module::register_buffer(std::string name, Tensor* t) {
    buffers_.emplace_back(std::move(name), t);
}

void Module::collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out,
                     bool params, bool buffers) const {
    if (params)
        for (const auto& [n, t] : params_)
            if (t->defined()) out.emplace_back(prefix + n, *t);
    if (buffers)
        for (const auto& [n, t] : buffers_)
            if (t->defined()) out.emplace_back(prefix + n, *t);
    for (const auto& [n, m] : children_) m->collect(prefix + n + ".", out, params, buffers);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
    std::vector<std::pair<std::string, Tensor>> all, unique;
    collect("", all, true, false);
    std::unordered_set<const TensorImpl*> seen;
    for (auto& p : all)
        if (seen.insert(p.second.impl()).second) unique.push_back(std::move(p));
    return unique;
}

std::vector<Tensor> Module::parameters() const {
    std::vector<Tensor> out;
    for (auto& [n, t] : named_parameters()) out.push_back(t);
    return out;
}

std::vector<std::pair<std::string, Tensor>> Module::state_dict() const {
    std::vector<std::pair<std::string, Tensor>> out;
    collect("", out, true, true);
    return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state, bool strict) {
    std::vector<std::string> names;
    for (const auto& [name, t] : state) names.push_back(name);
    load_state_dict(
        names, [&](const std::string& n) { return state.at(n).shape(); },
        [&](const std::string& n, float* dst) {
            std::copy(state.at(n).data(), state.at(n).data() + state.at(n).numel(), dst);
        },
        strict);
}

void Module::load_state_dict(const std::vector<std::string>& names,
                             const std::function<Shape(const std::string&)>& shape_of,
                             const std::function<void(const std::string&, float*)>& read,
                             bool strict) {
    const std::set<std::string> stored(names.begin(), names.end());
    std::set<std::string> used;
    std::string missing;
    std::vector<std::pair<std::string, Tensor>> params, buffers;
    collect("", params, true, false);
    collect("", buffers, false, true);
    auto load = [&](const std::string& name, const Tensor& t, bool required) {
        if (!stored.count(name)) {
            if (required) missing += (missing.empty() ? "" : ", ") + name;
            return;
        }
        used.insert(name);
        const Shape s = shape_of(name);
        if (s != t.shape())
            throw ShapeError("load_state_dict: size mismatch for " + name +
                             ": the checkpoint has shape " + shape_str(s) + ", the model has " +
                             shape_str(t.shape()));
        read(name, Tensor(t).data());  // a handle to the same storage
    };
    for (const auto& [name, t] : params) load(name, t, true);
    // Buffers (causal masks) are fixed by the configuration: files may leave them out.
    for (const auto& [name, t] : buffers) load(name, t, false);
    if (!strict) return;
    std::string unexpected;
    for (const auto& name : names)
        if (!used.count(name)) unexpected += (unexpected.empty() ? "" : ", ") + name;
    if (!missing.empty() || !unexpected.empty())
        throw ValueError("load_state_dict: " + (missing.empty() ? "" : "missing keys: " + missing) +
                         (missing.empty() || unexpected.empty() ? "" : "; ") +
                         (unexpected.empty() ? "" : "unexpected keys: " + unexpected));
}

int64_t Module::num_parameters() const {
    int64_t n = 0;
    for (auto& t : parameters()) n += t.numel();
    return n;
}

void Module::set_child(const std::string& name, std::shared_ptr<Module> m) {
    for (auto& [n, child] : children_)
        if (n == name) {
            child = std::move(m);
            return;
        }
    throw ValueError(type_name() + " has no submodule '" + name + "' to replace");
}

void Module::throw_wrong_child(const std::string& name, const Module& m) const {
    throw ValueError(type_name() + "." + name + " cannot become a " + m.type_name() +
                     " (a module of another kind)");
}

void Module::apply(const std::function<void(Module&)>& fn) {
    for (auto& [name, child] : children_) child->apply(fn);
    fn(*this);
}

void Module::train(bool on) {
    training_ = on;
    for (auto& [n, m] : children_) m->train(on);
}

void Module::zero_grad() {
    for (auto& t : parameters()) t.zero_grad();
}

std::string Module::repr() const {
    std::string head = type_name() + "(" + extra_repr();
    if (children_.empty()) return head + ")";
    std::ostringstream os;
    os << head << "\n";
    for (const auto& [n, m] : children_) {
        std::string child = m->repr(), indented;
        for (char c : child) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
        os << "  (" << n << "): " << indented << "\n";
    }
    os << ")";
    return os.str();
}

// ---- layers ----------------------------------------------------------------------

namespace {
thread_local bool g_skip_init = false;
}
SkipInit::SkipInit() : previous_(g_skip_init) { g_skip_init = true; }
SkipInit::~SkipInit() { g_skip_init = previous_; }

Linear::Linear(int64_t in, int64_t out, bool with_bias) : in_features(in), out_features(out) {
    if (in <= 0 || out <= 0)
        throw ValueError("Linear: sizes must be positive, got " + std::to_string(in) + " -> " +
                         std::to_string(out));
    weight = Tensor::empty({out, in});
    if (!g_skip_init) kaiming_uniform_(weight, std::sqrt(5.0));  // U(-1/sqrt(in), 1/sqrt(in))
    register_parameter("weight", &weight);
    if (with_bias) {
        const double b = 1.0 / std::sqrt(static_cast<double>(in));
        bias = Tensor::empty({out});
        if (!g_skip_init) uniform_(bias, static_cast<float>(-b), static_cast<float>(b));
        register_parameter("bias", &bias);
    }
}

Tensor Linear::forward(const Tensor& x) { return linear(x, weight, bias); }

std::string Linear::extra_repr() const {
    return "in_features=" + std::to_string(in_features) +
        ", out_features=" + std::to_string(out_features) +
        ", bias=" + (bias.defined() ? "True" : "False");
}

Embedding::Embedding(int64_t num, int64_t dim) {
    if (num <= 0 || dim <= 0) throw ValueError("Embedding: sizes must be positive");
    weight = Tensor::empty({num, dim});
    if (!g_skip_init) normal_(weight, 0.0f, 1.0f);
    register_parameter("weight", &weight);
}

Tensor Embedding::forward(const IntTensor& ids) { return embedding(weight, ids); }

std::string Embedding::extra_repr() const {
    return std::to_string(weight.size(0)) + ", " + std::to_string(weight.size(1));
}

Tensor Dropout::forward(const Tensor& x) { return dropout(x, p, is_training()); }

std::string Dropout::extra_repr() const {
    char buf[32];  // PyTorch prints a float: p=0.0, p=0.1
    std::snprintf(buf, sizeof buf, p == static_cast<float>(static_cast<int>(p)) ? "%.1f" : "%g",
                  static_cast<double>(p));
    return std::string("p=") + buf + ", inplace=False";
}

Tensor ReLU::forward(const Tensor& x) { return relu(x); }

Sequential::Sequential(std::vector<std::shared_ptr<Module>> layers) {
    for (auto& m : layers) push_back(std::move(m));
}

void Sequential::push_back(std::shared_ptr<Module> m) {
    register_module(std::to_string(layers_.size()), m);
    layers_.push_back(std::move(m));
}

Tensor Sequential::forward(const Tensor& x) {
    Tensor h = x;
    for (auto& m : layers_) h = m->forward(h);
    return h;
}

}  // namespace llm
