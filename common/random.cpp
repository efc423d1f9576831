#include "random.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

#include "box_muller.hpp"
#include "error.hpp"

namespace llm {

Generator::Generator(uint64_t seed) { manual_seed(seed); }

void Generator::manual_seed(uint64_t seed) {
    seed_ = seed;
    engine_.seed(static_cast<uint32_t>(seed & 0xffffffffu));  // PyTorch keeps the low 32 bits
    next_double_normal_.reset();
}

void MersenneTwister::seed(uint32_t s) {
    x[0] = s;
    for (int i = 1; i < kN; ++i)
        x[i] = 1812433253u * (x[i - 1] ^ (x[i - 1] >> 30)) + static_cast<uint32_t>(i);
    p = kN;
}

void MersenneTwister::twist() {
    auto mix = [](uint32_t a, uint32_t b, uint32_t far) {
        const uint32_t y = (a & 0x80000000u) | (b & 0x7fffffffu);
        return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    };
    for (int k = 0; k < kN - kM; ++k) x[k] = mix(x[k], x[k + 1], x[k + kM]);
    for (int k = kN - kM; k < kN - 1; ++k) x[k] = mix(x[k], x[k + 1], x[k + kM - kN]);
    x[kN - 1] = mix(x[kN - 1], x[0], x[kM - 1]);
    p = 0;
}

void MersenneTwister::fill(uint32_t* out, int64_t n) {
    while (n > 0) {
        if (p >= kN) twist();
        const int take = static_cast<int>(std::min<int64_t>(n, kN - p));
        const uint32_t* __restrict src =
            x + p;  // (locals: out may alias the members as far as the compiler knows)
        uint32_t* __restrict dst = out;
        for (int i = 0; i < take; ++i) dst[i] = temper(src[i]);
        p += take;
        out += take;
        n -= take;
    }
}

uint64_t Generator::random64() {
    const uint64_t hi = random(), lo = random();
    return (hi << 32) | lo;
}

// at::uniform_real_distribution<float>: the low 24 bits of one word.
float Generator::uniform_float(float from, float to) {
    const float x =
        static_cast<float>(random() & ((1u << 24) - 1)) * (1.0f / static_cast<float>(1u << 24));
    // PyTorch's compiled x * (to - from) + from is one fused multiply-add
    // (its build contracts it); written out so every build of ours agrees.
    return std::fma(x, to - from, from);
}

// at::uniform_real_distribution<double>: the low 53 bits of two words.
double Generator::uniform_double(double from, double to) {
    const double x = static_cast<double>(random64() & ((1ULL << 53) - 1)) *
        (1.0 / static_cast<double>(1ULL << 53));
    return x * (to - from) + from;
}

// at::normal_distribution<double>: Box-Muller; the sine half is kept for the next call.
double Generator::normal_double(double mean, double stdv) {
    if (next_double_normal_) {
        const double v = *next_double_normal_;
        next_double_normal_.reset();
        return v * stdv + mean;
    }
    const double u1 = uniform_double(0.0, 1.0), u2 = uniform_double(0.0, 1.0);
    const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
    const double theta = 2.0 * std::numbers::pi * u1;
    next_double_normal_ = r * std::sin(theta);
    return r * std::cos(theta) * stdv + mean;
}

std::string Generator::state() const {
    std::ostringstream os;
    os << seed_ << ' ' << (next_double_normal_ ? 1 : 0) << ' ';
    os.precision(17);
    os << (next_double_normal_ ? *next_double_normal_ : 0.0);
    for (uint32_t w : engine_.x)
        os << ' ' << w;  // std::mt19937's own text form: the words, then the position
    os << ' ' << engine_.p;
    return os.str();
}

void Generator::set_state(const std::string& state) {
    std::istringstream is(state);
    int has_normal = 0;
    double normal = 0;
    MersenneTwister engine;
    uint64_t seed = 0;
    bool ok = static_cast<bool>(is >> seed >> has_normal >> normal);
    for (uint32_t& w : engine.x) ok = ok && static_cast<bool>(is >> w);
    ok =
        ok && static_cast<bool>(is >> engine.p) && engine.p >= 0 && engine.p <= MersenneTwister::kN;
    if (!ok) throw FormatError("generator state is malformed");
    seed_ = seed;
    engine_ = engine;
    next_double_normal_.reset();
    if (has_normal) next_double_normal_ = normal;
}

Generator& default_generator() {
    static Generator gen;
    return gen;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

void uniform_(Tensor& t, float from, float to, Generator& gen) {
    float* p = t.data();
    const int64_t n = t.numel();
    for (int64_t i = 0; i < n; ++i) p[i] = gen.uniform_float(from, to);
}

void kaiming_uniform_(Tensor& t, double a, Generator& gen) {
    if (t.dim() != 2) throw ValueError("kaiming_uniform_: expected a 2-D tensor");
    const double gain = std::sqrt(2.0 / (1.0 + a * a));
    const double bound = std::sqrt(3.0) * (gain / std::sqrt(static_cast<double>(t.size(1))));
    uniform_(t, static_cast<float>(-bound), static_cast<float>(bound), gen);
}

Tensor rand(const Shape& shape, Generator& gen) {
    Tensor t = Tensor::empty(shape);
    uniform_(t, 0.0f, 1.0f, gen);
    return t;
}

void normal_(Tensor& t, float mean, float stdv, Generator& gen) {
    float* data = t.data();
    const int64_t size = t.numel();
    if (size >= 16) {  // PyTorch's vectorised path (normal_fill)
        for (int64_t i = 0; i < size; ++i) data[i] = gen.uniform_float(0.0f, 1.0f);
        for (int64_t i = 0; i + 16 <= size; i += 16) normal_fill_16(data + i, mean, stdv);
        if (size % 16 != 0) {  // recompute the last 16 from fresh uniforms
            float* tail = data + size - 16;
            for (int i = 0; i < 16; ++i) tail[i] = gen.uniform_float(0.0f, 1.0f);
            normal_fill_16(tail, mean, stdv);
        }
    } else {
        for (int64_t i = 0; i < size; ++i)
            data[i] = static_cast<float>(gen.normal_double(mean, stdv));
    }
}

Tensor randn(const Shape& shape, Generator& gen) {
    Tensor t = Tensor::empty(shape);
    normal_(t, 0.0f, 1.0f, gen);
    return t;
}

void bernoulli_(Tensor& t, double p, Generator& gen) {
    float* d = t.data();
    const int64_t n = t.numel();
    for (int64_t i = 0; i < n; ++i) d[i] = gen.uniform_double(0.0, 1.0) < p ? 1.0f : 0.0f;
}

void bernoulli_(uint8_t* out, int64_t n, double p, Generator& gen) {
    // uniform_double per element, a block of words at a time
    constexpr int64_t kBlock = 2048;
    uint32_t w[2 * kBlock];
    for (int64_t i = 0; i < n; i += kBlock) {
        const int64_t m = std::min(kBlock, n - i);
        gen.random_words(w, 2 * m);
        for (int64_t j = 0; j < m; ++j) {
            const uint64_t bits =
                ((static_cast<uint64_t>(w[2 * j]) << 32) | w[2 * j + 1]) & ((1ULL << 53) - 1);
            out[i + j] =
                static_cast<double>(bits) * (1.0 / static_cast<double>(1ULL << 53)) < p ? 1 : 0;
        }
    }
}

// randperm_cpu: a Fisher-Yates shuffle from the front.
IntTensor randperm(int64_t n, Generator& gen) {
    if (n < 0) throw ValueError("randperm: n must be non-negative, got " + std::to_string(n));
    std::vector<int64_t> r(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) r[static_cast<size_t>(i)] = i;
    for (int64_t i = 0; i + 1 < n; ++i) {
        const int64_t z = static_cast<int64_t>(gen.random() % static_cast<uint64_t>(n - i));
        std::swap(r[static_cast<size_t>(i)], r[static_cast<size_t>(z + i)]);
    }
    return IntTensor({n}, std::move(r));
}

int64_t random_int64(Generator& gen) {
    return static_cast<int64_t>(gen.random64() % (static_cast<uint64_t>(INT64_MAX) + 1));
}

IntTensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator& gen) {
    if (probs.dim() < 1 || probs.dim() > 2)
        throw ShapeError("multinomial: probabilities must be 1-d or 2-d");
    const int64_t C = probs.size(-1), rows = probs.dim() == 2 ? probs.size(0) : 1;
    if (num_samples <= 0) throw ValueError("multinomial: num_samples must be positive");
    if (!replacement && num_samples > C)
        throw ValueError(
            "multinomial: cannot draw more samples than categories without replacement");
    for (int64_t i = 0; i < probs.numel(); ++i)
        if (!(probs.data()[i] >= 0.0f) || !std::isfinite(probs.data()[i]))
            throw ValueError("multinomial: probability tensor contains inf, nan or an element < 0");
    std::vector<int64_t> out;
    for (int64_t r = 0; r < rows; ++r) {
        const float* p = probs.data() + r * C;
        if (!replacement || num_samples == 1) {
            // PyTorch's fast path: argmax / top-k of p / q with q ~ Exp(1).
            std::vector<std::pair<float, int64_t>> keys(static_cast<size_t>(C));
            for (int64_t c = 0; c < C; ++c) {
                const double u = gen.uniform_double(0.0, 1.0);
                const float q = static_cast<float>(-1.0 * std::log1p(-u));
                keys[static_cast<size_t>(c)] = {p[c] / q, c};
            }
            std::stable_sort(keys.begin(), keys.end(),
                             [](auto& a, auto& b) { return a.first > b.first; });
            for (int64_t s = 0; s < num_samples; ++s)
                out.push_back(keys[static_cast<size_t>(s)].second);
        } else {
            // Inverse-CDF sampling with binary search over the normalised cumulative sum.
            std::vector<float> cum(static_cast<size_t>(C));
            float total = 0;
            for (int64_t c = 0; c < C; ++c) cum[static_cast<size_t>(c)] = (total += p[c]);
            if (total <= 0) throw ValueError("multinomial: probabilities sum to zero");
            for (auto& v : cum) v /= total;
            for (int64_t s = 0; s < num_samples; ++s) {
                const double u = gen.uniform_double(0.0, 1.0);
                int64_t left = 0, right = C;
                while (right - left > 0) {
                    const int64_t mid = left + (right - left) / 2;
                    if (cum[static_cast<size_t>(mid)] < u)
                        left = mid + 1;
                    else
                        right = mid;
                }
                out.push_back(left);
            }
        }
    }
    Shape s = probs.dim() == 2 ? Shape{rows, num_samples} : Shape{num_samples};
    return IntTensor(s, std::move(out));
}

}  // namespace llm
