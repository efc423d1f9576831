// What pandas gives chapter 6: NumPy's legacy random generator, which
// DataFrame.sample(..., random_state=123) draws from. Not PyTorch's, so it
// lives with the one chapter that uses it.
#pragma once
#include <cstdint>
#include <vector>

#include "random.hpp"

namespace llm::ch06 {

// NumPy's legacy np.random.RandomState(seed), as pandas' sample(...,
// random_state=seed) uses it (chapter 6's data preparation). The same
// Mersenne Twister and seeding; what differs from PyTorch is how a bounded
// integer is drawn (masked rejection) and NumPy's shuffle.
class RandomState {
public:
    explicit RandomState(uint32_t seed) { engine_.seed(seed); }
    uint32_t random_raw() { return engine_.next(); }  // _bit_generator.random_raw()
    uint32_t state_word(int i) const { return engine_.x[i]; }  // get_state()[1][i]
    // An integer in [0, max]: raw words masked to the smallest 2^k - 1 >= max,
    // redrawn until one is <= max (no draw at all when max is 0).
    uint32_t random_interval(uint32_t max);
    // permutation(n): arange(n) shuffled by swapping a[i] with a[random_interval(i)],
    // i from n - 1 down to 1.
    std::vector<int64_t> permutation(int64_t n);
    // choice(n, size, replace=False) = permutation(n)[:size].
    std::vector<int64_t> choice(int64_t n, int64_t size);

private:
    MersenneTwister engine_;
};

}  // namespace llm::ch06
