#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "blas.hpp"
#include "error.hpp"
#include "random.hpp"

using namespace llm;

TEST_CASE(
    "sgemm under the chosen core matches a plain triple loop, for every transpose combination") {
    Generator gen(1);
    const int M = 67, N = 45, K = 131;
    std::vector<float> A(M * K), B(K * N), C(M * N), ref(M * N);
    for (auto& v : A) v = gen.uniform_float(-1, 1);
    for (auto& v : B) v = gen.uniform_float(-1, 1);
    for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
            // Interpret the same buffers as A or A^T so every flag path is exercised.
            auto a = [&](int i, int k) { return ta ? A[k * M + i] : A[i * K + k]; };
            auto b = [&](int k, int j) { return tb ? B[j * K + k] : B[k * N + j]; };
            for (int i = 0; i < M; ++i)
                for (int j = 0; j < N; ++j) {
                    double s = 0;
                    for (int k = 0; k < K; ++k) s += static_cast<double>(a(i, k)) * b(k, j);
                    ref[i * N + j] = static_cast<float>(s);
                }
            sgemm(ta, tb, M, N, K, 1.0f, A.data(), ta ? M : K, B.data(), tb ? K : N, 0.0f, C.data(),
                  N);
            double worst = 0;
            for (int i = 0; i < M * N; ++i)
                worst = std::max(worst, static_cast<double>(std::fabs(C[i] - ref[i])));
            INFO("trans_a=" << ta << " trans_b=" << tb);
            CHECK(worst < 1e-4);  // float32 sums of 131 products of size <= 1
        }
}

TEST_CASE("sgemm takes int64_t sizes and refuses one that CBLAS's int cannot hold") {
    float a = 1, b = 1, c = 0;
    CHECK_THROWS_WITH_AS(
        sgemm(false, false, int64_t{1} << 31, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c, 1),
        "BLAS: size or stride 2147483648 does not fit the library's int", ValueError);
    sgemm(false, false, 1, 1, 1, 2.0f, &a, 1, &b, 1, 0.0f, &c, 1);
    CHECK(c == 2.0f);
}

TEST_CASE("blas_flops counts 2 M N K per sgemm and 2 M N per sgemv") {
    std::vector<float> A(6 * 4, 1.0f), B(4 * 5, 1.0f), C(6 * 5), x(4, 1.0f), y(6);
    const double before = blas_flops();
    sgemm(false, false, 6, 5, 4, 1.0f, A.data(), 4, B.data(), 5, 0.0f, C.data(), 5);
    CHECK(blas_flops() - before == 2.0 * 6 * 5 * 4);
    sgemv(6, 4, 1.0f, A.data(), 4, x.data(), 0.0f, y.data());
    CHECK(blas_flops() - before == 2.0 * 6 * 5 * 4 + 2.0 * 6 * 4);
    CHECK(C[0] == 4.0f);
    CHECK(y[5] == 4.0f);
}
