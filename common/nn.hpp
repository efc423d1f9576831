// torch.nn: Module with named parameters, buffers and children, and the
// basic layers. A module registers pointers to its own Tensor members, so
// `model.out_head->weight = model.tok_emb->weight` ties two names to one
// tensor, as in PyTorch, and named_parameters() yields the dotted names
// of the book's state_dict ("trf_blocks.0.att.W_query.weight").
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor.hpp"

namespace llm {

class Module {
public:
    virtual ~Module() = default;
    Module() = default;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    // The single-input forward used by Sequential; layers with other
    // signatures define their own and leave this one throwing.
    virtual Tensor forward(const Tensor& x);
    Tensor operator()(const Tensor& x) { return forward(x); }

    // Parameters in registration order; a tensor shared by two names
    // appears once, under its first name (as PyTorch's parameters()).
    std::vector<std::pair<std::string, Tensor>> named_parameters() const;
    std::vector<Tensor> parameters() const;
    // Every name, shared tensors included, plus buffers: the state_dict.
    std::vector<std::pair<std::string, Tensor>> state_dict() const;
    // Copies values into the module's tensors (shapes must match); strict
    // means missing parameters and unexpected names are errors. Buffers may
    // be missing (they are fixed by the configuration, like causal masks).
    void load_state_dict(const std::map<std::string, Tensor>& state, bool strict = true);
    // The same from a store read one tensor at a time (a weight file): `names`
    // are its tensors, `shape_of` a stored shape, `read` copies one into dst.
    void load_state_dict(const std::vector<std::string>& names,
                         const std::function<Shape(const std::string&)>& shape_of,
                         const std::function<void(const std::string&, float* dst)>& read,
                         bool strict = true);
    int64_t num_parameters() const;  // sum of numel over parameters()

    // `model.out_head = new_module`: the child registered under name becomes m
    // (its parameters replace the old child's in named_parameters and the
    // state_dict). ValueError when there is no such child.
    template <typename M>
    std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> m) {
        set_child(name, m);
        return m;
    }

    // named_children(): the direct submodules, in registration order.
    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
        return children_;
    }

    // module.apply(fn): fn on every submodule (children first), then on this one.
    void apply(const std::function<void(Module&)>& fn);

    void train(bool on = true);
    void eval() { train(false); }
    bool is_training() const { return training_; }
    void zero_grad();

    // PyTorch's printout of the module tree.
    std::string repr() const;
    virtual std::string type_name() const = 0;
    virtual std::string extra_repr() const { return ""; }

protected:
    void register_parameter(std::string name, Tensor* t);  // the tensor is made to require grad
    void register_buffer(std::string name, Tensor* t);
    template <typename M>
    std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> m) {
        children_.emplace_back(std::move(name), m);
        return m;
    }

protected:
    // (Sequential and ModuleList also keep their items in order, and modules
    // with typed members keep those pointing at the child: they override it)
    virtual void set_child(const std::string& name, std::shared_ptr<Module> m);
    // For those overrides: the typed member takes m, if m is of its type.
    template <typename M>
    void set_typed_child(std::shared_ptr<M>& member, const std::string& name,
                         const std::shared_ptr<Module>& m) {
        auto typed = std::dynamic_pointer_cast<M>(m);
        if (!typed) throw_wrong_child(name, *m);
        Module::set_child(name, m);
        member = typed;
    }
    [[noreturn]] void throw_wrong_child(const std::string& name, const Module& m) const;

private:
    void collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out,
                 bool params, bool buffers) const;
    std::vector<std::pair<std::string, Tensor*>> params_, buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
};

// While a SkipInit lives (on its thread), Linear and Embedding leave their
// parameters unwritten and draw nothing from the generator: for a model every
// parameter of which a file is about to fill (HuggingFace's no_init_weights,
// PyTorch's torch.nn.utils.skip_init). Loading gpt2-medium then skips 406
// million draws; whoever loads must write every parameter.
class SkipInit {
public:
    SkipInit();
    ~SkipInit();
    SkipInit(const SkipInit&) = delete;
    SkipInit& operator=(const SkipInit&) = delete;

private:
    bool previous_;
};

// y = x W^T + b, W [out, in]; initialised as PyTorch: U(-1/sqrt(in), 1/sqrt(in)), weight first.
class Linear : public Module {
public:
    Linear(int64_t in_features, int64_t out_features, bool bias = true);
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "Linear"; }
    std::string extra_repr() const override;
    Tensor weight, bias;
    int64_t in_features, out_features;

protected:
    // For a layer that is a Linear by its shapes but registers its own
    // children (appendix E's LinearWithLoRA): no parameters of its own.
    struct Wrapper {};
    Linear(Wrapper, int64_t in, int64_t out) : in_features(in), out_features(out) {}
};

// A lookup table [num, dim], initialised N(0, 1).
class Embedding : public Module {
public:
    Embedding(int64_t num_embeddings, int64_t embedding_dim);
    Tensor forward(const IntTensor& ids);
    std::string type_name() const override { return "Embedding"; }
    std::string extra_repr() const override;
    Tensor weight;
};

class Dropout : public Module {
public:
    explicit Dropout(float p = 0.5f) : p(p) {}
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "Dropout"; }
    std::string extra_repr() const override;
    float p;
};

class ReLU : public Module {
public:
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "ReLU"; }
};

// Children named "0", "1", ... applied in order.
class Sequential : public Module {
public:
    Sequential() = default;
    explicit Sequential(std::vector<std::shared_ptr<Module>> layers);
    void push_back(std::shared_ptr<Module> m);
    Tensor forward(const Tensor& x) override;
    std::string type_name() const override { return "Sequential"; }
    void set_child(const std::string& name, std::shared_ptr<Module> m) override {
        Module::set_child(name, m);
        layers_.at(std::stoul(name)) = std::move(m);
    }
    size_t size() const { return layers_.size(); }
    Module& operator[](size_t i) { return *layers_[i]; }
    template <typename M>
    M& at(size_t i) {
        return dynamic_cast<M&>(*layers_[i]);
    }

private:
    std::vector<std::shared_ptr<Module>> layers_;
};

// A list of child modules named "0", "1", ... with no forward of its own.
class ModuleList : public Module {
public:
    void push_back(std::shared_ptr<Module> m) {
        register_module(std::to_string(items_.size()), m);
        items_.push_back(std::move(m));
    }
    size_t size() const { return items_.size(); }
    template <typename M>
    M& at(size_t i) {
        return dynamic_cast<M&>(*items_[i]);
    }
    std::string type_name() const override { return "ModuleList"; }
    void set_child(const std::string& name, std::shared_ptr<Module> m) override {
        Module::set_child(name, m);
        items_.at(std::stoul(name)) = std::move(m);
    }

private:
    std::vector<std::shared_ptr<Module>> items_;
};

}  // namespace llm
