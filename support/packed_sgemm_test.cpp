// The packed sgemm against a plain loop (in double) and against CBLAS:
// odd shapes, every transpose, row strides wider than the rows, alpha and
// beta, a C that beta = 0 must not read.
#include "packed_sgemm.hpp"

#include <doctest/doctest.h>

#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <vector>

#include "blas.hpp"
#include "random.hpp"

using llm::MicroKernel;

TEST_CASE("packed sgemm equals a plain loop and CBLAS on odd shapes, transposes and strides") {
    llm::Generator gen(7);
    struct Case {
        int64_t M, N, K;
    };
    const Case cases[] = {{1, 1, 1},    {5, 7, 3},     {6, 16, 256}, {13, 37, 300},
                          {37, 53, 71}, {97, 50, 513}, {8, 24, 1},   {130, 3100, 20}};
    for (const MicroKernel kernel :
         {MicroKernel::k6x16, MicroKernel::k8x24, MicroKernel::k14x32, MicroKernel::k8x48}) {
        if (!llm::micro_kernel_available(kernel)) continue;
        for (const Case& c : cases)
            for (const bool ta : {false, true})
                for (const bool tb : {false, true}) {
                    const int64_t rows_a = ta ? c.K : c.M, cols_a = ta ? c.M : c.K;
                    const int64_t rows_b = tb ? c.N : c.K, cols_b = tb ? c.K : c.N;
                    const int64_t lda = cols_a + 3, ldb = cols_b + 5, ldc = c.N + 2;
                    const llm::Tensor A = llm::randn({rows_a * lda}, gen);
                    const llm::Tensor B = llm::randn({rows_b * ldb}, gen);
                    const llm::Tensor C0 = llm::randn({c.M * ldc}, gen);
                    const float alpha = 0.75f, beta = -0.5f;
                    std::vector<float> ours(C0.data(), C0.data() + C0.numel()), blas = ours;
                    llm::packed_sgemm(kernel, ta, tb, c.M, c.N, c.K, alpha, A.data(), lda, B.data(),
                                      ldb, beta, ours.data(), ldc);
                    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                                tb ? CblasTrans : CblasNoTrans, int(c.M), int(c.N), int(c.K), alpha,
                                A.data(), int(lda), B.data(), int(ldb), beta, blas.data(),
                                int(ldc));
                    CAPTURE(c.M);
                    CAPTURE(c.N);
                    CAPTURE(c.K);
                    CAPTURE(ta);
                    CAPTURE(tb);
                    // the worst error against the exact value and against CBLAS, scaled by
                    // a tolerance that grows with the length of the sums
                    double worst_exact = 0, worst_blas = 0;
                    bool padding_kept = true;
                    for (int64_t i = 0; i < c.M; ++i)
                        for (int64_t j = 0; j < ldc; ++j) {
                            const float got = ours[size_t(i * ldc + j)];
                            if (j >= c.N) {  // the padding between rows stays untouched
                                padding_kept = padding_kept && got == C0.data()[i * ldc + j];
                                continue;
                            }
                            double exact = 0;
                            for (int64_t p = 0; p < c.K; ++p)
                                exact +=
                                    double(ta ? A.data()[p * lda + i] : A.data()[i * lda + p]) *
                                    double(tb ? B.data()[j * ldb + p] : B.data()[p * ldb + j]);
                            exact = alpha * exact + beta * double(C0.data()[i * ldc + j]);
                            const double tol =
                                4e-5 * (std::sqrt(double(c.K)) + 1) * (1 + std::fabs(exact));
                            worst_exact = std::max(worst_exact, std::fabs(got - exact) / tol);
                            worst_blas = std::max(worst_blas,
                                                  std::fabs(got - blas[size_t(i * ldc + j)]) / tol);
                        }
                    CHECK(padding_kept);
                    CHECK(worst_exact <= 1.0);
                    CHECK(worst_blas <= 2.0);
                }
    }
}

TEST_CASE("llm::sgemm gives OpenBLAS's products whichever backend is in use") {
    llm::Generator gen(11);
    const int64_t M = 70, N = 45, K = 300;  // past the size from which the packed one runs
    const llm::Tensor A = llm::randn({K * M}, gen), B = llm::randn({N * K}, gen);
    const bool was_packed = llm::packed_sgemm_in_use();
    for (const bool packed : {false, true}) {
        if (!llm::use_packed_sgemm(packed)) continue;  // no AVX-512 in this build
        std::vector<float> got(size_t(M * N)), want(size_t(M * N));
        llm::sgemm(true, true, M, N, K, 1.0f, A.data(), M, B.data(), K, 0.0f, got.data(), N);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasTrans, int(M), int(N), int(K), 1.0f, A.data(),
                    int(M), B.data(), int(K), 0.0f, want.data(), int(N));
        CAPTURE(packed);
        for (size_t i = 0; i < got.size(); ++i)
            REQUIRE(std::fabs(got[i] - want[i]) <= 1e-4f * (1 + std::fabs(want[i])));
    }
    llm::use_packed_sgemm(was_packed);
}

TEST_CASE("packed sgemm: beta = 0 does not read C; K = 0 scales C") {
    const float A[6] = {1, 2, 3, 4, 5, 6}, B[6] = {1, 0, 0, 1, 1, 1};
    std::vector<float> C(4, NAN);
    llm::packed_sgemm(MicroKernel::k6x16, false, false, 2, 2, 3, 1.0f, A, 3, B, 2, 0.0f, C.data(),
                      2);
    CHECK(C == std::vector<float>{4, 5, 10, 11});  // [[1,2,3],[4,5,6]] @ [[1,0],[0,1],[1,1]]
    llm::packed_sgemm(MicroKernel::k6x16, false, false, 2, 2, 0, 1.0f, A, 3, B, 2, 0.5f, C.data(),
                      2);
    CHECK(C == std::vector<float>{2, 2.5f, 5, 5.5f});
}
