// Expected values: the book's exercise 7.1 example in the Phi-3 template of
// the book's solution, and for 7.2 the instruction sets' first batch (the
// book's collate run with PyTorch on tiktoken's ids): the prompt ends where
// the ids of "\n\n### Response:\n" begin, and every target before that
// position must become -100.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "exercises.hpp"
#include "paths.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch07;
using namespace llm::ch07::exercises;
using nlohmann::json;

namespace {
using Rows = std::vector<std::vector<int64_t>>;

// Where "\n\n### Response:\n" (tiktoken: 198, 198, 21017, 18261, 25, 198) starts.
int64_t response_start(const std::vector<int64_t>& ids) {
    const std::vector<int64_t> marker{198, 198, 21017, 18261, 25, 198};
    const auto it = std::search(ids.begin(), ids.end(), marker.begin(), marker.end());
    REQUIRE(it != ids.end());
    return it - ids.begin();
}

// The set's targets with the prompt's part masked: targets[i][:prompt - 1] = -100.
Rows masked(Rows targets, const std::vector<int64_t>& prompt_lengths) {
    for (size_t i = 0; i < targets.size(); ++i)
        for (int64_t t = 0;
             t < prompt_lengths[i] - 1 && t < static_cast<int64_t>(targets[i].size()); ++t)
            targets[i][static_cast<size_t>(t)] = -100;
    return targets;
}

Rows rows_of(const IntTensor& t) {
    Rows r(static_cast<size_t>(t.size(0)));
    const int64_t T = t.size(1);
    for (size_t i = 0; i < r.size(); ++i)
        r[i].assign(t.data.begin() + static_cast<long>(i) * T,
                    t.data.begin() + static_cast<long>(i + 1) * T);
    return r;
}
}  // namespace

TEST_CASE("Exercise 7.1: the Phi-3 prompt style") {
    const Entry e{"Identify the correct spelling of the following word.", "Ocassion",
                  "The correct spelling is 'Occasion.'"};
    CHECK(phi3_full_text(e) ==
          "<|user|>\nIdentify the correct spelling of the following word.\nOcassion"
          "\n<|assistant|>:\nThe correct spelling is 'Occasion.'");
    CHECK(phi3_full_text({"Name a primary color.", "", "Red."}) ==
          "<|user|>\nName a primary color.\n<|assistant|>:\nRed.");
}

TEST_CASE("Exercise 7.2: masking the instruction and input in the targets") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Instruction)) {
        INFO("instruction set " << dir.string());
        const json e = json::parse(read_file(dir / "instruction.json"));
        const auto& fb = e.at("first_batch");
        const Rows items = fb.at("items").get<Rows>();
        std::vector<int64_t> prompt;
        for (const auto& item : items) prompt.push_back(response_start(item));
        const auto b = collate_masking_instructions(
            items, prompt, 50256, -100,
            e.at("spec").at("collate").at("allowed_max_length").get<int64_t>());
        CHECK(rows_of(b.inputs) == fb.at("inputs").get<Rows>());  // the inputs do not change
        CHECK(rows_of(b.targets) == masked(fb.at("targets").get<Rows>(), prompt));
        const auto& a20 = fb.at("allowed_max_length_20");
        const auto c = collate_masking_instructions(items, prompt, 50256, -100,
                                                    a20.at("allowed_max_length").get<int64_t>());
        CHECK(rows_of(c.inputs) == a20.at("inputs").get<Rows>());
        CHECK(rows_of(c.targets) == masked(a20.at("targets").get<Rows>(), prompt));
        // what InstructionDataset counts as the prompt is where the response begins
        const auto data = load_instruction_data(testing::project_path(e.at("spec").at("data")));
        const InstructionSplit split = split_instruction_data(data);
        const InstructionDataset ds(split.train);
        const auto indices = fb.at("indices").get<std::vector<int64_t>>();
        for (size_t k = 0; k < indices.size(); ++k)
            CHECK(ds.instruction_lengths.at(static_cast<size_t>(indices[k])) == prompt[k]);
    }
}
