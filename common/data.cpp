#include "data.hpp"

namespace llm {

std::vector<int64_t> random_sampler_order(int64_t n, Generator& gen) {
    // RandomSampler.__iter__: seed = int64 random_() from the global generator,
    // a fresh Generator seeded with it, then randperm(n) from that generator.
    Generator local(static_cast<uint64_t>(random_int64(gen)));
    return randperm(n, local).data;
}

}  // namespace llm
