#include "xtensor_blas_tour.hpp"

#include <array>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

#include "error.hpp"

namespace llm::appendix_a {

Tensor matmul_with_xtensor_blas(const Tensor& a, const Tensor& b) {
    if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0))
        throw ShapeError("matmul_with_xtensor_blas: shapes " + shape_str(a.shape()) + " and " +
                         shape_str(b.shape()) + " cannot be multiplied");
    const std::array<size_t, 2> sa{static_cast<size_t>(a.size(0)), static_cast<size_t>(a.size(1))};
    const std::array<size_t, 2> sb{static_cast<size_t>(b.size(0)), static_cast<size_t>(b.size(1))};
    // views of our buffers, no copies
    const auto A = xt::adapt(a.data(), static_cast<size_t>(a.numel()), xt::no_ownership(), sa);
    const auto B = xt::adapt(b.data(), static_cast<size_t>(b.numel()), xt::no_ownership(), sb);
    const xt::xtensor<float, 2> C = xt::linalg::dot(A, B);  // cblas_sgemm underneath
    return Tensor::from(std::vector<float>(C.begin(), C.end()), {a.size(0), b.size(1)});
}

}  // namespace llm::appendix_a
