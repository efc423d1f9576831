// Expected values: PyTorch and tiktoken through the spam-split and
// classifier fixture sets (the tokens of each text, the parameter count of
// the book's classifier), and for 6.3 causality itself: the first output
// position has seen only the first token, so its logits are those of the
// first token alone.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "autograd.hpp"
#include "exercises.hpp"
#include "gpt_model_file.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch06;
using namespace llm::ch06::exercises;
namespace fs = std::filesystem;
using nlohmann::json;

TEST_CASE(
    "Exercise 6.1: pad every text to the model's context length instead of the longest text") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::SpamSplit)) {
        const json e = json::parse(read_file(dir / "expected.json"));
        const auto& want = e.at("spam_dataset").at("test");
        const auto ds = pad_to_context(dir / "test.csv", 1024);
        REQUIRE(ds);
        CHECK(ds->max_length == 1024);
        const auto first3 = want.at("first3_input_ids").get<std::vector<std::vector<int64_t>>>();
        const auto lengths = want.at("encoded_lengths").get<std::vector<int64_t>>();
        for (size_t i = 0; i < first3.size(); ++i) {
            const auto ids = ds->get(static_cast<int64_t>(i)).ids;
            REQUIRE(ids.size() == 1024);
            // the text's own tokens, then nothing but <|endoftext|>
            const auto n = static_cast<size_t>(lengths[i]);
            CHECK(
                std::vector<int64_t>(ids.begin(), ids.begin() + static_cast<long>(n)) ==
                std::vector<int64_t>(first3[i].begin(), first3[i].begin() + static_cast<long>(n)));
            CHECK(std::count(ids.begin() + static_cast<long>(n), ids.end(), 50256) ==
                  static_cast<long>(1024 - n));
        }
    }
}

TEST_CASE(
    "Exercise 6.2: finetune the whole model: every parameter trainable, every one gets a gradient") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Classifier)) {
        const json e = json::parse(read_file(dir / "classifier.json"));
        auto model = ch04::load_gpt_model(dir / "weights.safetensors");
        manual_seed(123);
        add_classification_head(*model, 2);
        make_all_trainable(*model);
        int64_t trainable = 0;
        for (const Tensor& p : model->parameters()) trainable += p.requires_grad() ? p.numel() : 0;
        CHECK(trainable == e.at("params").at("total").get<int64_t>());  // PyTorch's count
        const IntTensor in({1, 4}, {5211, 345, 423, 640});
        calc_loss_batch(in, IntTensor({1}, {1}), *model).backward();
        for (const auto& [name, p] : model->named_parameters())
            CHECK_MESSAGE(p.grad().defined(), name << " got no gradient");
    }
}

TEST_CASE("Exercise 6.3: the first token's logits have seen only the first token") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Classifier)) {
        auto model = ch04::load_gpt_model(dir / "weights.safetensors");
        manual_seed(123);
        add_classification_head(*model, 2);
        model->eval();
        NoGradGuard ng;
        const IntTensor batch({2, 4}, {5211, 345, 423, 640, 5211, 50256, 50256, 50256});
        const Tensor first = first_token_logits(*model, batch);
        REQUIRE(first.shape() == Shape{2, 2});
        // causal attention: position 0 of each row equals the model run on that one token
        const Tensor alone = select(model->forward(IntTensor({1, 1}, {5211})), 1, 0);
        for (int64_t r = 0; r < 2; ++r)
            for (int64_t c = 0; c < 2; ++c)
                CHECK(first.at({r, c}) == doctest::Approx(alone.at({0, c})).epsilon(1e-5));
        // and it is not the last token's (which has read the whole row)
        CHECK(first.at({0, 0}) != doctest::Approx(classification_logits(*model, batch).at({0, 0})));
    }
}
