// SLEEF's exp and tanh against the C library's in double precision: within
// 1 ulp (SLEEF's promise for its u10 functions) from underflow to overflow,
// with the edges (0, -0, inf, -inf, nan) exact, and every array length
// (the tail goes through the same function).
#include "vec_math.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {
// Distance in units of the last place of the exact value.
double ulps(float got, double exact) {
    if (std::isinf(exact)) return std::isinf(got) && (got > 0) == (exact > 0) ? 0 : 1e9;
    const double ulp = std::nextafter(static_cast<float>(std::fabs(exact)),
                                      std::numeric_limits<float>::infinity()) -
        static_cast<float>(std::fabs(exact));
    return std::fabs(got - exact) /
        std::max(ulp, static_cast<double>(std::numeric_limits<float>::denorm_min()));
}
}  // namespace

TEST_CASE("exp_of and tanh_of are within 1 ulp of the exact values") {
    std::vector<float> x;
    for (float v = -104.0f; v <= 89.0f; v += 0.0137f) x.push_back(v);
    for (float v = -1e-3f; v <= 1e-3f; v += 1.3e-6f) x.push_back(v);
    std::vector<float> e(x.size()), t(x.size());
    llm::exp_of(x.data(), e.data(), static_cast<int64_t>(x.size()));
    llm::tanh_of(x.data(), t.data(), static_cast<int64_t>(x.size()));
    double worst_e = 0, worst_t = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        worst_e = std::max(worst_e, ulps(e[i], std::exp(static_cast<double>(x[i]))));
        worst_t = std::max(worst_t, ulps(t[i], std::tanh(static_cast<double>(x[i]))));
    }
    CHECK(worst_e <= 1.0);
    CHECK(worst_t <= 1.0);
}

TEST_CASE("exp_of and tanh_of: edges, every tail length, in place") {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> x = {0.0f, -0.0f, inf, -inf, 100.0f, -200.0f};
    std::vector<float> y(x.size());
    llm::exp_of(x.data(), y.data(), 6);
    CHECK(y == std::vector<float>{1, 1, inf, 0, inf, 0});
    llm::tanh_of(x.data(), y.data(), 6);
    CHECK(y == std::vector<float>{0, 0, 1, -1, 1, -1});
    CHECK(std::signbit(y[1]));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    llm::exp_of(&nan, y.data(), 1);
    CHECK(std::isnan(y[0]));
    for (int64_t n = 0; n <= 40; ++n) {  // the same value wherever it stands in the array
        std::vector<float> v(static_cast<size_t>(n), 0.5f), w(v.size());
        llm::exp_of(v.data(), w.data(), n);
        llm::exp_of(v.data(), v.data(), n);
        for (int64_t i = 0; i < n; ++i) {
            REQUIRE(w[size_t(i)] == v[size_t(i)]);
            REQUIRE(w[size_t(i)] == w[0]);
        }
    }
}
