// Our sgemv against a plain loop (in double) and against CBLAS: odd shapes
// (rows not a multiple of eight, lengths not a multiple of a vector), row
// strides wider than the rows, alpha and beta, a y that beta = 0 must not read.
#include "streaming_sgemv.hpp"

#include <doctest/doctest.h>

#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <vector>

#include "blas.hpp"
#include "random.hpp"

TEST_CASE("streaming sgemv equals a plain loop and CBLAS on odd shapes and strides") {
    llm::Generator gen(5);
    struct Case {
        int64_t M, N;
    };
    // the last ones are large enough to be split between the threads
    const Case cases[] = {{1, 1},  {3, 5},     {8, 16},   {9, 17},    {17, 33},
                          {40, 7}, {100, 768}, {769, 31}, {3001, 70}, {50, 3072}};
    for (const Case& c : cases)
        for (const float beta : {0.0f, -0.5f}) {
            const int64_t lda = c.N + 3;
            const llm::Tensor A = llm::randn({c.M * lda}, gen), x = llm::randn({c.N}, gen);
            const llm::Tensor y0 = llm::randn({c.M}, gen);
            const float alpha = 0.75f;
            std::vector<float> ours(y0.data(), y0.data() + c.M), blas = ours;
            if (beta == 0.0f) std::fill(ours.begin(), ours.end(), NAN);  // must not be read
            llm::streaming_sgemv(c.M, c.N, alpha, A.data(), lda, x.data(), beta, ours.data());
            cblas_sgemv(CblasRowMajor, CblasNoTrans, int(c.M), int(c.N), alpha, A.data(), int(lda),
                        x.data(), 1, beta, blas.data(), 1);
            CAPTURE(c.M);
            CAPTURE(c.N);
            CAPTURE(beta);
            double worst_exact = 0, worst_blas = 0;
            for (int64_t i = 0; i < c.M; ++i) {
                double exact = 0;
                for (int64_t p = 0; p < c.N; ++p)
                    exact += double(A.data()[i * lda + p]) * double(x.data()[p]);
                exact = alpha * exact + (beta == 0.0f ? 0.0 : beta * double(y0.data()[i]));
                const double tol = 4e-5 * (std::sqrt(double(c.N)) + 1) * (1 + std::fabs(exact));
                const float got = ours[size_t(i)];
                worst_exact =
                    std::max(worst_exact, std::isfinite(got) ? std::fabs(got - exact) / tol : 1e9);
                worst_blas = std::max(worst_blas, std::fabs(got - blas[size_t(i)]) / tol);
            }
            CHECK(worst_exact <= 1.0);
            CHECK(worst_blas <= 2.0);
        }
}

TEST_CASE("llm::sgemv gives OpenBLAS's product with ours switched on or off") {
    llm::Generator gen(13);
    const int64_t M = 300, N = 200;
    const llm::Tensor A = llm::randn({M * N}, gen), x = llm::randn({N}, gen);
    std::vector<float> want(static_cast<size_t>(M));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(M), int(N), 1.0f, A.data(), int(N), x.data(), 1,
                0.0f, want.data(), 1);
    const bool was = llm::use_streaming_sgemv(true);
    for (const bool streaming : {true, false}) {
        llm::use_streaming_sgemv(streaming);
        std::vector<float> got(static_cast<size_t>(M));
        llm::sgemv(M, N, 1.0f, A.data(), N, x.data(), 0.0f, got.data());
        CAPTURE(streaming);
        for (size_t i = 0; i < got.size(); ++i)
            REQUIRE(std::fabs(got[i] - want[i]) <= 1e-4f * (1 + std::fabs(want[i])));
    }
    llm::use_streaming_sgemv(was);
}
