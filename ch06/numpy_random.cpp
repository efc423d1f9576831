#include "numpy_random.hpp"

#include <limits>
#include <string>
#include <utility>

#include "error.hpp"

namespace llm::ch06 {

uint32_t RandomState::random_interval(uint32_t max) {
    if (max == 0) return 0;
    uint32_t mask = max;
    for (int shift = 1; shift < 32; shift *= 2) mask |= mask >> shift;
    uint32_t v;
    do v = engine_.next() & mask;
    while (v > max);
    return v;
}

std::vector<int64_t> RandomState::permutation(int64_t n) {
    if (n < 0 || n > std::numeric_limits<uint32_t>::max())
        throw ValueError("RandomState::permutation: n must be in [0, 2^32), got " +
                         std::to_string(n));
    std::vector<int64_t> a(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) a[static_cast<size_t>(i)] = i;
    for (int64_t i = n - 1; i >= 1; --i)
        std::swap(a[static_cast<size_t>(i)], a[random_interval(static_cast<uint32_t>(i))]);
    return a;
}

std::vector<int64_t> RandomState::choice(int64_t n, int64_t size) {
    if (size < 0 || size > n)
        throw ValueError("RandomState::choice: cannot take a sample of " + std::to_string(size) +
                         " from " + std::to_string(n) + " without replacement");
    auto p = permutation(n);
    p.resize(static_cast<size_t>(size));
    return p;
}

}  // namespace llm::ch06
