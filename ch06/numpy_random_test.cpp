#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "numpy_random.hpp"
#include "paths.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch06;

// NumPy's legacy RandomState, case by case: what each case draws is read
// from its name (mt19937_raw_N, state_key_firstN, permutation_N,
// choice_N_K_noreplace), so sets of other seeds and sizes check the same way.
TEST_CASE(
    "NumPy's RandomState: raw words, seeded state, permutation and choice, as NumPy draws them") {
    int checked = 0;
    for (const auto& file : testing::fixture_sets(testing::FixtureKind::NumpyRng)) {
        const auto j = nlohmann::json::parse(read_file(file));
        for (const auto& c : j.at("numpy_cases")) {
            const std::string name = c.at("name");
            const auto seed = c.at("seed").get<uint32_t>();
            const auto want = c.at("values").get<std::vector<int64_t>>();
            INFO(file.string() << ": " << name << " (seed " << seed << ")");
            RandomState rs(seed);
            std::vector<int64_t> got;
            int64_t n = 0, k = 0;
            if (std::sscanf(name.c_str(), "mt19937_raw_%ld", &n) == 1) {
                for (int64_t i = 0; i < n; ++i) got.push_back(rs.random_raw());
            } else if (std::sscanf(name.c_str(), "state_key_first%ld", &n) == 1) {
                for (int64_t i = 0; i < n; ++i) got.push_back(rs.state_word(static_cast<int>(i)));
            } else if (std::sscanf(name.c_str(), "choice_%ld_%ld_noreplace", &n, &k) == 2) {
                got = rs.choice(n, k);
            } else if (std::sscanf(name.c_str(), "permutation_%ld", &n) == 1) {
                got = rs.permutation(n);
            } else {
                FAIL("unknown NumPy case " << name);
            }
            CHECK(got == want);
            ++checked;
        }
    }
    CHECK(checked > 0);
    CHECK_THROWS_AS(RandomState(1).choice(3, 4), ValueError);
}
