// Random numbers, draw for draw as PyTorch's CPU generator.
//
// PyTorch's CPU generator is a 32-bit Mersenne Twister seeded like
// std::mt19937. What matters for matching its numbers is how each
// distribution turns the raw words into values (24-bit floats, 53-bit
// doubles, Box-Muller in blocks of 16 for randn ...); random.cpp follows
// PyTorch 1.13's CPU kernels and says which one each function mirrors.
#pragma once
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "tensor.hpp"

namespace llm {

// std::mt19937 (the same words, seeding and text state), plus a bulk fill
// that twists and tempers whole blocks in vectorisable loops: dropout draws
// two words per element, millions per training step, all in sequence.
struct MersenneTwister {
    static constexpr int kN = 624, kM = 397;
    uint32_t x[kN];
    int p = kN;  // next word to temper; kN: twist first
    void seed(uint32_t s);
    uint32_t next() {
        if (p >= kN) twist();
        return temper(x[p++]);
    }
    void fill(uint32_t* out, int64_t n);  // the next n words, as n calls of next()
    void twist();
    static uint32_t temper(uint32_t z) {
        z ^= z >> 11;
        z ^= (z << 7) & 0x9d2c5680u;
        z ^= (z << 15) & 0xefc60000u;
        return z ^ (z >> 18);
    }
};

class Generator {
public:
    explicit Generator(uint64_t seed = 67280421310721ULL);  // PyTorch's default seed
    void manual_seed(uint64_t seed);
    uint64_t initial_seed() const { return seed_; }

    uint32_t random() { return engine_.next(); }  // one 32-bit word
    void random_words(uint32_t* out, int64_t n) { engine_.fill(out, n); }  // n of them at once
    uint64_t random64();  // two words, first one high
    float uniform_float(float from, float to);  // 24 random bits
    double uniform_double(double from, double to);  // 53 random bits
    double normal_double(double mean, double stdv);  // Box-Muller, second value cached
    // The complete state as text (for checkpoints that resume exactly), and back.
    std::string state() const;
    void set_state(const std::string& state);

private:
    uint64_t seed_;
    MersenneTwister engine_;
    std::optional<double> next_double_normal_;
};

// The process-wide generator torch.manual_seed() reseeds.
Generator& default_generator();
void manual_seed(uint64_t seed);

Tensor rand(const Shape& shape, Generator& gen = default_generator());  // U[0, 1)
Tensor randn(const Shape& shape, Generator& gen = default_generator());  // N(0, 1)
void uniform_(Tensor& t, float from, float to, Generator& gen = default_generator());
void normal_(Tensor& t, float mean, float stdv, Generator& gen = default_generator());
// nn.init.kaiming_uniform_(t, a) for a 2-D t (fan_in = t.size(1)): U(-bound, bound),
// bound = sqrt(3) * sqrt(2 / (1 + a^2)) / sqrt(fan_in).
void kaiming_uniform_(Tensor& t, double a, Generator& gen = default_generator());
// 1 with probability p, else 0, as Tensor.bernoulli_(p).
void bernoulli_(Tensor& t, double p, Generator& gen = default_generator());
// The same draws into n bytes (dropout keeps its mask this way: a quarter of a float mask).
void bernoulli_(uint8_t* out, int64_t n, double p, Generator& gen = default_generator());
IntTensor randperm(int64_t n, Generator& gen = default_generator());
// torch.multinomial over the last dimension of probs ([C] or [N, C]).
IntTensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement = false,
                      Generator& gen = default_generator());
// torch.empty((), dtype=torch.int64).random_(): a non-negative int64.
int64_t random_int64(Generator& gen = default_generator());

}  // namespace llm
