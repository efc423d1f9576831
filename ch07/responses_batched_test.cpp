// The fast tier's batched responses against the reference, one prompt at a
// time: the same tokens for every prompt of the test split, with queueing
// (more prompts than the batch), sequences that stop at their own
// end-of-text, and prompts whose window must slide.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "gpt_dataset.hpp"
#include "gpt_model_file.hpp"
#include "instruction_data.hpp"
#include "paths.hpp"
#include "prompt_styles.hpp"
#include "responses.hpp"
#include "responses_batched_fused.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch07;
using nlohmann::json;

TEST_CASE("instruction sets: batched greedy responses equal one-by-one generation") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Instruction)) {
        INFO("instruction set " << dir.string());
        const json e = json::parse(read_file(dir / "instruction.json"));
        const auto data = load_instruction_data(testing::project_path(e.at("spec").at("data")));
        const auto test = split_instruction_data(data).test;
        auto model = ch04::load_gpt_model(dir / "weights.safetensors");
        const auto& tok = ch02::gpt2_tokenizer();
        std::vector<std::string> inputs;
        std::vector<std::vector<int64_t>> prompts;
        for (size_t i = 0; i < std::min<size_t>(7, test.size()); ++i) {
            inputs.push_back(format_input(test[i]));
            prompts.push_back(tok.encode(inputs.back(), {"<|endoftext|>"}));
        }
        // an end-of-text id this model really emits: the 6th token it gives the first prompt
        const int64_t eos = generate_response(*model, inputs[0], 6, -1).new_ids.back();
        size_t longest = 0;
        for (const auto& p : prompts) longest = std::max(longest, p.size());
        const int64_t ctx = model->cfg.context_length;
        // 12 new tokens fit every window; with the second length the longest prompt's slides
        const std::vector<std::pair<int64_t, int64_t>> runs{
            {12, eos}, {ctx - static_cast<int64_t>(longest) + 1, -1}};
        for (const auto& [max_new, stop_id] : runs) {
            INFO("max_new_tokens " << max_new << ", eos_id " << stop_id);
            std::vector<size_t> finished;
            const auto got = generate_greedy_batched(*model, prompts, max_new, stop_id, 3,
                                                     [&](size_t i) { finished.push_back(i); });
            REQUIRE(got.size() == prompts.size());
            CHECK(finished.size() == prompts.size());
            size_t stopped = 0, full = 0;
            for (size_t i = 0; i < prompts.size(); ++i) {
                INFO("prompt " << i);
                const Generated want = generate_response(*model, inputs[i], max_new, stop_id);
                CHECK(got[i] == want.new_ids);
                stopped += want.stopped_at_eos;
                full += static_cast<int64_t>(want.new_ids.size()) == max_new;
            }
            if (stop_id == eos)
                CHECK(stopped > 0);  // the first prompt stops at its 6th token
            else
                CHECK(full == prompts.size());  // and the longest prompt's window slid
        }
    }
}

TEST_CASE("generate_greedy_batched rejects an empty prompt and a bad batch size") {
    ch04::GPTConfig cfg{.vocab_size = 50,
                        .context_length = 8,
                        .emb_dim = 8,
                        .n_heads = 2,
                        .n_layers = 1,
                        .drop_rate = 0.0f,
                        .qkv_bias = false};
    ch04::GPTModel model(cfg);
    CHECK_THROWS_AS(generate_greedy_batched(model, {{1, 2}, {}}, 3), ValueError);
    CHECK_THROWS_AS(generate_greedy_batched(model, {{1, 2}}, 3, 0, 0), ValueError);
    CHECK(generate_greedy_batched(model, {{1, 2}}, 0) == std::vector<std::vector<int64_t>>{{}});
}
