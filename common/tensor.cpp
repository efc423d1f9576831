#include "tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "autograd.hpp"
#include "error.hpp"

namespace llm {

int64_t numel_of(const Shape& shape) {
    int64_t n = 1;
    for (int64_t s : shape) {
        if (s < 0) throw ShapeError("negative dimension in shape " + shape_str(shape));
        n *= s;
    }
    return n;
}

int64_t wrap_dim(int64_t d, int64_t ndim) {
    const int64_t w = d < 0 ? d + ndim : d;
    if (w < 0 || w >= std::max<int64_t>(ndim, 1))
        throw ShapeError("dimension " + std::to_string(d) + " out of range for a " +
                         std::to_string(ndim) + "-d tensor");
    return w;
}

AxisSplit split_axis(const Shape& s, int64_t dim) {
    const auto d = static_cast<size_t>(wrap_dim(dim, static_cast<int64_t>(s.size())));
    AxisSplit a{1, s.empty() ? 1 : s[d], 1};
    for (size_t i = 0; i < s.size(); ++i) {
        if (i < d) a.outer *= s[i];
        if (i > d) a.inner *= s[i];
    }
    return a;
}

std::string shape_str(const Shape& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// ---- storage ----------------------------------------------------------------

Storage& Tensor::storage() const {
    if (!impl_) throw ValueError("this Tensor is undefined (default-constructed): it has no data");
    return *impl_->storage;
}

// ---- creation ---------------------------------------------------------------

Tensor Tensor::over(const Shape& shape, std::shared_ptr<Storage> storage) {
    auto impl = std::make_shared<TensorImpl>();
    impl->shape = shape;
    impl->storage = std::move(storage);
    return Tensor(std::move(impl));
}

Tensor Tensor::empty(const Shape& shape) {
    return over(shape, std::make_shared<Storage>(static_cast<size_t>(numel_of(shape))));
}

Tensor Tensor::full(const Shape& shape, float value) {
    return over(shape, std::make_shared<Storage>(static_cast<size_t>(numel_of(shape)), value));
}

Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.0f); }
Tensor Tensor::ones(const Shape& shape) { return full(shape, 1.0f); }
Tensor Tensor::scalar(float value) { return full({}, value); }

Tensor Tensor::arange(int64_t end) { return arange(0.0f, static_cast<float>(end), 1.0f); }

Tensor Tensor::arange(float start, float end, float step) {
    if (step == 0.0f) throw ValueError("arange: step must be nonzero");
    const auto n = static_cast<int64_t>(std::ceil((end - start) / step));
    Tensor t = empty({std::max<int64_t>(n, 0)});
    for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = start + step * static_cast<float>(i);
    return t;
}

Tensor Tensor::from(std::vector<float> values, const Shape& shape) {
    if (static_cast<int64_t>(values.size()) != numel_of(shape))
        throw ShapeError("Tensor::from: " + std::to_string(values.size()) +
                         " values do not fill shape " + shape_str(shape));
    return over(shape, std::make_shared<Storage>(std::move(values)));
}

Tensor Tensor::from(std::initializer_list<float> values) {
    return from(std::vector<float>(values), {static_cast<int64_t>(values.size())});
}

Tensor Tensor::from(std::initializer_list<std::initializer_list<float>> rows) {
    std::vector<float> v;
    const size_t cols = rows.size() ? rows.begin()->size() : 0;
    for (const auto& r : rows) {
        if (r.size() != cols) throw ShapeError("Tensor::from: rows of different lengths");
        v.insert(v.end(), r.begin(), r.end());
    }
    return from(std::move(v), {static_cast<int64_t>(rows.size()), static_cast<int64_t>(cols)});
}

// ---- access -------------------------------------------------------------------

int64_t Tensor::size(int64_t d) const { return shape()[static_cast<size_t>(wrap_dim(d, dim()))]; }
int64_t Tensor::numel() const { return numel_of(shape()); }

float Tensor::item() const {
    if (numel() != 1)
        throw ShapeError("item(): tensor of shape " + shape_str(shape()) + " has " +
                         std::to_string(numel()) + " elements, expected 1");
    return data()[0];
}

float Tensor::at(std::initializer_list<int64_t> index) const {
    if (static_cast<int64_t>(index.size()) != dim())
        throw ShapeError("at(): " + std::to_string(index.size()) + " indices for a " +
                         std::to_string(dim()) + "-d tensor");
    int64_t flat = 0, d = 0;
    for (int64_t i : index) {
        const int64_t n = shape()[static_cast<size_t>(d++)];
        const int64_t w = i < 0 ? i + n : i;
        if (w < 0 || w >= n)
            throw ShapeError("at(): index " + std::to_string(i) + " out of range " +
                             std::to_string(n));
        flat = flat * n + w;
    }
    return data()[flat];
}

// ---- autograd handles -------------------------------------------------------------

bool Tensor::requires_grad() const { return impl_->autograd && impl_->autograd->requires_grad; }

const std::shared_ptr<Node>& Tensor::grad_fn() const {
    static const std::shared_ptr<Node> none;
    return impl_->autograd ? impl_->autograd->grad_fn : none;
}

Tensor& Tensor::requires_grad_(bool on) {
    if (!is_leaf())
        throw ValueError("requires_grad_(): only leaf tensors can change requires_grad");
    if (!impl_->autograd) {
        if (!on) return *this;
        impl_->autograd = std::make_shared<AutogradMeta>();
        impl_->autograd->shape = shape();
    }
    impl_->autograd->requires_grad = on;
    return *this;
}

Tensor Tensor::grad() const { return impl_->autograd ? impl_->autograd->grad : Tensor(); }
void Tensor::zero_grad() {
    if (impl_->autograd) impl_->autograd->grad = Tensor();
}

Tensor Tensor::detach() const { return over(shape(), impl_->storage); }

Tensor& Tensor::copy_(const Tensor& src) {
    if (src.shape() != shape())
        throw ShapeError("copy_: a tensor of shape " + shape_str(src.shape()) +
                         " does not fit one of shape " + shape_str(shape()));
    std::copy(src.data(), src.data() + numel(), data());
    return *this;
}

Tensor Tensor::clone() const {
    Tensor out = from(to_vector(), shape());
    return record(out, {*this}, "CloneBackward",
                  [self = Edge(*this)](const Tensor& g) { accumulate_grad(self, g); });
}

// ---- integer tensors -------------------------------------------------------------

IntTensor::IntTensor(Shape s, std::vector<int64_t> d) : shape(std::move(s)), data(std::move(d)) {
    if (numel_of(shape) != static_cast<int64_t>(data.size()))
        throw ShapeError("IntTensor: " + std::to_string(data.size()) +
                         " values do not fill shape " + shape_str(shape));
}

IntTensor IntTensor::from(std::initializer_list<std::initializer_list<int64_t>> rows) {
    std::vector<int64_t> v;
    for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
    const int64_t n = static_cast<int64_t>(rows.size());
    const int64_t cols = n ? static_cast<int64_t>(v.size()) / n : 0;
    return IntTensor({n, cols}, std::move(v));
}

int64_t IntTensor::size(int64_t d) const {
    return shape[static_cast<size_t>(wrap_dim(d, static_cast<int64_t>(shape.size())))];
}

IntTensor IntTensor::view(const Shape& s) const {
    if (numel_of(s) != numel())
        throw ShapeError("IntTensor::view: shape " + shape_str(s) + " is invalid for " +
                         std::to_string(numel()) + " elements");
    return IntTensor(s, data);
}

// ---- printing like PyTorch ---------------------------------------------------------

namespace {

// Nested brackets with PyTorch's indentation: "tensor(" is 7 characters.
// Tensors of more than 1000 elements are summarised as PyTorch does: in
// every dimension longer than 6 only the first and last 3 entries, with
// "..." between them.
struct Layout {
    const Shape& shape;
    std::vector<int64_t> strides;
    bool summarise;
};

std::vector<int64_t> shown(const Layout& L,
                           size_t d) {  // indices of dimension d to print; -1 is "..."
    const int64_t n = L.shape[d];
    std::vector<int64_t> idx;
    if (L.summarise && n > 6)
        idx = {0, 1, 2, -1, n - 3, n - 2, n - 1};
    else
        for (int64_t i = 0; i < n; ++i) idx.push_back(i);
    return idx;
}

template <typename Fmt>
void print_nested(std::ostringstream& os, const Layout& L, size_t d, int64_t offset, Fmt fmt,
                  int indent) {
    if (L.shape.empty()) {
        os << fmt(offset);
        return;
    }
    os << '[';
    const auto idx = shown(L, d);
    for (size_t k = 0; k < idx.size(); ++k) {
        const bool last = k + 1 == idx.size();
        if (d + 1 == L.shape.size()) {
            // PyTorch wraps a row at 80 characters: as many elements per line as
            // fit after the indent, each its width plus ", "
            const auto width = static_cast<int64_t>(fmt(offset).size());
            const int64_t per_line = std::max<int64_t>(1, (80 - indent) / (width + 2));
            os << (idx[k] < 0 ? std::string(" ...") : fmt(offset + idx[k] * L.strides[d]));
            if (!last)
                os << ((static_cast<int64_t>(k) + 1) % per_line
                           ? std::string(", ")
                           : ",\n" + std::string(static_cast<size_t>(indent + 1), ' '));
        } else {
            if (idx[k] < 0)
                os << "...";
            else
                print_nested(os, L, d + 1, offset + idx[k] * L.strides[d], fmt, indent + 1);
            if (!last)
                os << ',' << std::string(L.shape.size() - d - 1, '\n')
                   << std::string(static_cast<size_t>(indent + 1), ' ');
        }
    }
    os << ']';
}

Layout layout_of(const Shape& shape, int64_t numel) {
    Layout L{shape, std::vector<int64_t>(shape.size(), 1), numel > 1000};
    for (size_t d = shape.size(); d-- > 1;) L.strides[d - 1] = L.strides[d] * shape[d];
    return L;
}

// The flat indices print_nested shows (PyTorch sizes its columns by these only).
void shown_offsets(const Layout& L, size_t d, int64_t offset, std::vector<int64_t>& out) {
    if (L.shape.empty()) {
        out.push_back(offset);
        return;
    }
    for (const int64_t i : shown(L, d)) {
        if (i < 0) continue;
        if (d + 1 == L.shape.size())
            out.push_back(offset + i * L.strides[d]);
        else
            shown_offsets(L, d + 1, offset + i * L.strides[d], out);
    }
}

}  // namespace

PrintOptions& print_options() {
    static PrintOptions options;
    return options;
}

std::string to_string(const Tensor& t) {
    if (!t.defined()) return "tensor(undefined)";
    const float* v = t.data();
    const int64_t n = t.numel();
    const Layout L = layout_of(t.shape(), n);
    std::vector<int64_t> offsets;
    shown_offsets(L, 0, 0, offsets);
    bool integral = true;
    double max_abs = 0, min_abs = INFINITY;
    for (const int64_t i : offsets) {
        if (!std::isfinite(v[i])) continue;
        if (v[i] != std::nearbyint(v[i])) integral = false;
        const double a = std::fabs(v[i]);
        max_abs = std::max(max_abs, a);
        if (a > 0) min_abs = std::min(min_abs, a);
    }
    // PyTorch switches to scientific notation for very large or very spread values.
    const bool wants_sci = !integral && n > 0 &&
        (max_abs >= 1e8 || (min_abs < 1e-4 && max_abs > 0) ||
         (min_abs > 0 && max_abs / min_abs > 1000.0));
    const bool sci = print_options().sci_mode == SciMode::Auto
        ? wants_sci
        : print_options().sci_mode == SciMode::On;
    auto one = [&](int64_t i) {
        char buf[64];
        const float x = v[i];
        if (std::isnan(x)) return std::string("nan");
        if (std::isinf(x)) return std::string(x > 0 ? "inf" : "-inf");
        if (integral)
            std::snprintf(buf, sizeof buf, "%.0f.", static_cast<double>(x));
        else if (sci)
            std::snprintf(buf, sizeof buf, "%.4e", static_cast<double>(x));
        else
            std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(x));
        return std::string(buf);
    };
    // PyTorch sizes the columns in the format it would choose by itself, even
    // when set_printoptions(sci_mode=...) overrides the format.
    size_t width = 0;
    for (const int64_t i : offsets) {
        if (std::isfinite(v[i]) && !integral && wants_sci != sci) {
            char buf[64];
            std::snprintf(buf, sizeof buf, wants_sci ? "%.4e" : "%.4f", static_cast<double>(v[i]));
            width = std::max(width, std::string(buf).size());
        }
        width = std::max(width, one(i).size());
    }
    auto fmt = [&](int64_t i) {
        std::string s = one(i);
        return std::string(width - s.size(), ' ') + s;
    };
    std::ostringstream os;
    os << "tensor(";
    print_nested(os, L, 0, 0, fmt, 7);
    std::string suffix;
    if (t.grad_fn())
        suffix = "grad_fn=<" + std::string(t.grad_fn()->name) + ">";
    else if (t.requires_grad())
        suffix = "requires_grad=True";
    std::string out = os.str();
    if (!suffix.empty()) {
        // PyTorch (_add_suffixes): the suffix goes on a line of its own, indented
        // under "tensor(", when the last line would pass 80 characters.
        const size_t nl = out.rfind('\n');
        const size_t last_line = nl == std::string::npos ? out.size() + 2 : out.size() - nl + 1;
        out += last_line + suffix.size() + 2 > 80 ? ",\n       " + suffix : ", " + suffix;
    }
    return out + ')';
}

std::string to_string(const IntTensor& t) {
    const Layout L = layout_of(t.shape, t.numel());
    std::vector<int64_t> offsets;
    shown_offsets(L, 0, 0, offsets);
    size_t width = 0;
    for (const int64_t i : offsets)
        width = std::max(width, std::to_string(t.data[static_cast<size_t>(i)]).size());
    auto fmt = [&](int64_t i) {
        std::string s = std::to_string(t.data[static_cast<size_t>(i)]);
        return std::string(width - s.size(), ' ') + s;
    };
    std::ostringstream os;
    os << "tensor(";
    print_nested(os, L, 0, 0, fmt, 7);
    os << ')';
    return os.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << to_string(t); }
std::ostream& operator<<(std::ostream& os, const IntTensor& t) { return os << to_string(t); }

}  // namespace llm
