// The ops of torch.* and torch.nn.functional.* that the book uses.
// Each records its backward (autograd.hpp); shapes follow PyTorch.
#pragma once
#include <vector>

#include "tensor.hpp"

namespace llm {

class Generator;

// ---- elementwise, with NumPy/PyTorch broadcasting (ops_elementwise.cpp)
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, float s);
Tensor mul(const Tensor& a, float s);
Tensor neg(const Tensor& a);
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor pow(const Tensor& a, float exponent);
Tensor tanh(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor sigmoid(const Tensor& a);
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator+(const Tensor& a, float s) { return add(a, s); }
inline Tensor operator-(const Tensor& a, float s) { return add(a, -s); }
inline Tensor operator*(const Tensor& a, float s) { return mul(a, s); }
inline Tensor operator*(float s, const Tensor& a) { return mul(a, s); }
inline Tensor operator+(float s, const Tensor& a) { return add(a, s); }
inline Tensor operator/(const Tensor& a, float s) { return mul(a, 1.0f / s); }
inline Tensor operator-(const Tensor& a) { return neg(a); }
// The shape two shapes broadcast to; ShapeError when they cannot.
Shape broadcast_shapes(const Shape& a, const Shape& b);

// ---- reductions along a dimension (ops_reduce.cpp)
Tensor sum(const Tensor& a);  // all elements -> []
Tensor sum(const Tensor& a, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, int64_t dim, bool keepdim = false);
Tensor var(const Tensor& a, int64_t dim, bool unbiased = true, bool keepdim = false);
Tensor max(const Tensor& a, int64_t dim, bool keepdim = false);  // values; gradient to the argmax
IntTensor argmax(const Tensor& a, int64_t dim, bool keepdim = false);
IntTensor argmax(const Tensor& a);  // over all elements -> []

// ---- shapes (ops_shape.cpp; view/transpose/... are Tensor members)
Tensor cat(const std::vector<Tensor>& parts, int64_t dim);
std::vector<Tensor> split(const Tensor& a, int64_t split_size, int64_t dim);
std::vector<Tensor> chunk(const Tensor& a, int64_t chunks, int64_t dim);
Tensor narrow(const Tensor& a, int64_t dim, int64_t start,
              int64_t length);  // a[..., start:start+length, ...]
Tensor select(const Tensor& a, int64_t dim, int64_t index);  // a[..., index, ...]
Tensor tril(const Tensor& a, int64_t diagonal = 0);
Tensor triu(const Tensor& a, int64_t diagonal = 0);
Tensor masked_fill(const Tensor& a, const Tensor& mask, float value);  // mask != 0 broadcast to a
Tensor contiguous_transpose(const Tensor& a, int64_t d0, int64_t d1);

// ---- products (ops_matmul.cpp), all on sgemm
Tensor matmul(const Tensor& a, const Tensor& b);  // [..., M, K] @ [..., K, N] or @ [K, N]
Tensor linear(const Tensor& x, const Tensor& weight,
              const Tensor& bias);  // x @ W^T + b; W [out, in]
// a @ b^T without a transposed copy: [B..., M, K] x [B..., N, K] -> [B..., M, N]
Tensor matmul_nt(const Tensor& a, const Tensor& b);

// ---- neural-network functions (ops_nn.cpp)
Tensor softmax(const Tensor& a, int64_t dim);
Tensor log_softmax(const Tensor& a, int64_t dim);
// Mean cross-entropy of logits [N, C] against class ids [N]; ids equal to
// ignore_index do not count (PyTorch's default -100).
Tensor cross_entropy(const Tensor& logits, const IntTensor& targets, int64_t ignore_index = -100);
// On probabilities: mean of -(y log p + (1 - y) log(1 - p)) (F.binary_cross_entropy).
Tensor binary_cross_entropy(const Tensor& probs, const Tensor& targets);
Tensor mse_loss(const Tensor& input, const Tensor& target);
// Rows of weight [V, D] picked by ids -> [ids.shape..., D].
Tensor embedding(const Tensor& weight, const IntTensor& ids);
// Zeroes each element with probability p and scales the rest by 1/(1-p),
// with the masks PyTorch's CPU generator draws. Identity when !training.
Tensor dropout(const Tensor& x, float p, bool training, Generator& gen);
Tensor dropout(const Tensor& x, float p, bool training);  // the default generator
// What a kept element is multiplied by: 1 / (1 - p) as a float (0 when p is 1).
float dropout_scale(float p);

}  // namespace llm
