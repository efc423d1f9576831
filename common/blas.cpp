#include "blas.hpp"

#include <cblas.h>
#include <limits>

#include "error.hpp"

namespace llm {

namespace {
// CBLAS takes int sizes: the one place our int64_t sizes narrow.
int blas_int(int64_t v) {
    if (v < 0 || v > std::numeric_limits<int>::max())
        throw ValueError("BLAS: size or stride " + std::to_string(v) +
                         " does not fit the library's int");
    return static_cast<int>(v);
}
}  // namespace

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, blas_int(M), blas_int(N), blas_int(K), alpha,
                A, blas_int(lda), B, blas_int(ldb), beta, C, blas_int(ldc));
}

void sgemv(int64_t M, int64_t N, float alpha, const float* A, int64_t lda, const float* x,
           float beta, float* y) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, blas_int(M), blas_int(N), alpha, A, blas_int(lda), x,
                1, beta, y, 1);
}

}  // namespace llm
