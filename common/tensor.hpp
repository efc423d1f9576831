// Tensor: the C++ stand-in for torch.Tensor.
//
// A Tensor is a handle (shared pointer) to a TensorImpl: a contiguous
// row-major float32 buffer with a shape. Copying a Tensor copies the handle,
// as in Python. view()/reshape() share the buffer; every other op writes a
// new one. If a tensor requires a gradient, its AutogradMeta (autograd.hpp)
// holds the op that made it and, after backward(), its .grad.
//
// Values and autograd metadata are apart, as in PyTorch (TensorImpl and
// AutogradMeta): the graph's edges reach only the metadata, so a buffer dies
// with the last Tensor that holds it, by ordinary reference counting, while
// the graph still runs through its place. What a backward needs to read, it
// captures itself. That is the difference between keeping every activation
// and keeping the ones backward reads.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "storage.hpp"

namespace llm {

using Shape = std::vector<int64_t>;
struct Node;
struct AutogradMeta;

struct TensorImpl {
    Shape shape;
    std::shared_ptr<Storage> storage;  // shared by views
    std::shared_ptr<AutogradMeta> autograd;  // null until the tensor requires a gradient
};

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

    // ---- creation (torch.zeros, torch.ones, torch.full, torch.arange, torch.tensor)
    static Tensor empty(const Shape& shape);
    static Tensor zeros(const Shape& shape);
    static Tensor ones(const Shape& shape);
    static Tensor full(const Shape& shape, float value);
    static Tensor arange(int64_t end);
    static Tensor arange(float start, float end, float step = 1.0f);
    static Tensor from(std::vector<float> values, const Shape& shape);
    static Tensor from(std::initializer_list<float> values);  // 1-d
    static Tensor from(std::initializer_list<std::initializer_list<float>> rows);  // 2-d
    static Tensor scalar(float value);
    // A tensor of the given shape over an existing buffer (views, gradients).
    static Tensor over(const Shape& shape, std::shared_ptr<Storage> storage);

    // ---- shape
    bool defined() const { return impl_ != nullptr; }
    const Shape& shape() const { return impl_->shape; }
    int64_t dim() const { return static_cast<int64_t>(impl_->shape.size()); }
    int64_t size(int64_t d) const;  // negative d counts from the end
    int64_t numel() const;

    // ---- data (always contiguous, row-major)
    float* data() { return storage().data(); }
    const float* data() const { return storage().data(); }
    const std::shared_ptr<Storage>& storage_ptr() const { return impl_->storage; }
    float item() const;  // a one-element tensor's value
    float at(std::initializer_list<int64_t> index) const;
    std::vector<float> to_vector() const { return {data(), data() + numel()}; }

    // ---- autograd
    bool requires_grad() const;
    Tensor& requires_grad_(bool on = true);
    Tensor grad() const;  // undefined until backward() reached it
    void zero_grad();  // drops the gradient (PyTorch's set_to_none)
    void backward() const;  // from a one-element tensor
    void backward(const Tensor& grad_output) const;
    Tensor detach() const;  // shares data, no graph
    // self.copy_(src): src's values into this tensor's buffer (same shape,
    // ShapeError naming both otherwise). Records no graph, as under no_grad.
    Tensor& copy_(const Tensor& src);
    Tensor clone() const;  // copies data, keeps graph
    bool is_leaf() const { return grad_fn() == nullptr; }
    const std::shared_ptr<Node>& grad_fn() const;

    // ---- shapes and views (defined in ops_shape.cpp)
    Tensor view(const Shape& shape) const;  // -1 infers one dimension
    Tensor reshape(const Shape& shape) const { return view(shape); }
    Tensor transpose(int64_t d0, int64_t d1) const;
    Tensor T() const { return transpose(0, 1); }
    // Our tensors are always contiguous (transpose copies), so this returns the
    // tensor itself; it is here so the book's `.contiguous().view(...)` reads the same.
    Tensor contiguous() const { return *this; }
    Tensor unsqueeze(int64_t d) const;
    Tensor squeeze(int64_t d) const;
    Tensor flatten(int64_t start = 0, int64_t end = -1) const;

    TensorImpl* impl() const { return impl_.get(); }
    const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

private:
    Storage& storage() const;
    std::shared_ptr<TensorImpl> impl_;
};

// Integer tensor for token ids and class labels (torch.long).
struct IntTensor {
    Shape shape;
    std::vector<int64_t> data;
    IntTensor() = default;
    IntTensor(Shape s, std::vector<int64_t> d);
    static IntTensor from(std::initializer_list<std::initializer_list<int64_t>> rows);
    int64_t numel() const { return static_cast<int64_t>(data.size()); }
    int64_t size(int64_t d) const;
    IntTensor view(const Shape& s) const;
};

int64_t numel_of(const Shape& shape);
int64_t wrap_dim(int64_t d, int64_t ndim);  // -1 -> ndim - 1, with a range check
// A shape seen as [outer, n, inner] around one dimension (n its length):
// what every op along a dimension loops over. dim may be negative.
struct AxisSplit {
    int64_t outer, n, inner;
};
AxisSplit split_axis(const Shape& shape, int64_t dim);
std::string shape_str(const Shape& shape);  // "[2, 6, 3]"

// PyTorch-style printing: tensor([[0.2996, 0.8053], ...]) with 4 decimals.
// torch.set_printoptions(sci_mode=...): Auto lets the values decide, as by default.
enum class SciMode { Auto, On, Off };
struct PrintOptions {
    SciMode sci_mode = SciMode::Auto;
};
PrintOptions& print_options();
std::string to_string(const Tensor& t);
std::string to_string(const IntTensor& t);
std::ostream& operator<<(std::ostream& os, const Tensor& t);
std::ostream& operator<<(std::ostream& os, const IntTensor& t);

}  // namespace llm
