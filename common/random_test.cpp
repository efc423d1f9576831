// Every case in every torch-rng fixture file must come out of our generator
// as PyTorch drew it, bit for bit (floats and integers).
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "data.hpp"
#include "error.hpp"
#include "nn.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "testing.hpp"

using namespace llm;

namespace {

// Each named draw, as the fixture's `code` field describes it, after manual_seed(seed).
std::vector<long double> draw(const std::string& name) {
    auto floats = [](const Tensor& t) {
        return std::vector<long double>(t.data(), t.data() + t.numel());
    };
    auto ints = [](const std::vector<int64_t>& v) {
        return std::vector<long double>(v.begin(), v.end());
    };
    if (name == "rand_6x3") return floats(rand({6, 3}));
    if (name == "rand_3x2_x3") {
        Tensor q = rand({3, 2}), k = rand({3, 2}), v = rand({3, 2});
        return floats(cat({q, k, v}, 0));
    }
    if (name == "randn_5") return floats(randn({5}));
    if (name == "randn_16") return floats(randn({16}));
    if (name == "randn_40") return floats(randn({40}));
    if (name == "randn_2x3x4") return floats(randn({2, 3, 4}));
    if (name == "embedding_6x3") return floats(Embedding(6, 3).weight);
    if (name == "embedding_50257x4_first_row_block")
        return floats(narrow(Embedding(50257, 4).weight, 0, 0, 3));
    if (name == "linear_3x2_weight") return floats(Linear(3, 2, false).weight);
    if (name == "linear_3x2_bias_weight_then_bias") {
        Linear l(3, 2);
        return floats(cat({l.weight.flatten(), l.bias}, 0));
    }
    if (name == "linear_768x10_first_col") return floats(select(Linear(768, 10).weight, 1, 0));
    if (name == "randperm_10") return ints(randperm(10).data);
    if (name == "dropout_ones_6x6_p0.5") return floats(dropout(Tensor::ones({6, 6}), 0.5f, true));
    if (name == "dropout_ones_4x16_p0.1") return floats(dropout(Tensor::ones({4, 16}), 0.1f, true));
    if (name == "multinomial_probs")
        return ints(multinomial(Tensor::from({0.1f, 0.2f, 0.3f, 0.4f}), 10, true).data);
    if (name == "int64_random_") return {static_cast<long double>(random_int64())};
    if (name == "random_sampler_9") return ints(random_sampler_order(9, default_generator()));
    if (name == "random_sampler_9_two_epochs") {
        auto a = random_sampler_order(9, default_generator()),
             b = random_sampler_order(9, default_generator());
        a.insert(a.end(), b.begin(), b.end());
        return ints(a);
    }
    throw std::runtime_error("unknown torch-rng case '" + name +
                             "': teach random_test.cpp how to draw it");
}

}  // namespace

TEST_CASE("torch-rng fixtures: our generator draws what PyTorch's CPU generator draws") {
    const auto files = testing::fixture_sets(testing::FixtureKind::TorchRng);
    int cases = 0;
    for (const auto& f : files) {
        const auto j = nlohmann::json::parse(read_file(f));
        for (const auto& c : j["cases"]) {
            const std::string name = c["name"];
            INFO("fixture " << f.string() << " case " << name << " ("
                            << c["code"].get<std::string>() << ")");
            manual_seed(c["seed"].get<uint64_t>());
            const auto got = draw(name);
            const bool is_int = c["dtype"] == "int64";
            std::vector<long double> expected;  // long double holds every int64 exactly
            for (const auto& v : c["values"])
                expected.push_back(is_int ? static_cast<long double>(v.get<int64_t>())
                                          : v.get<double>());
            REQUIRE(got.size() == expected.size());
            for (size_t i = 0; i < got.size(); ++i) {
                INFO("element " << i);
                if (is_int)
                    CHECK(got[i] == expected[i]);
                else
                    CHECK(static_cast<float>(got[i]) ==
                          static_cast<float>(expected[i]));  // bit for bit
            }
            ++cases;
        }
    }
    for (const auto& f : files) MESSAGE("torch-rng fixture: " << f.string());
    MESSAGE(cases << " torch-rng cases checked in " << files.size() << " file(s)");
}

TEST_CASE("manual_seed restarts the sequence and clears the cached normal") {
    manual_seed(7);
    const Tensor a = randn({3});
    manual_seed(7);
    const Tensor b = randn({3});
    CHECK(a.to_vector() == b.to_vector());
}
