// Sections 7.2-7.3 against the instruction sets (the book's chapter 7 code
// run with PyTorch and tiktoken): format_input string for string, the split,
// custom_collate_fn on the book's toy batch, the first shuffled batch and the
// book's 116 batch shapes.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "error.hpp"
#include "instruction_data.hpp"
#include "prompt_styles.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch07;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
using Rows = std::vector<std::vector<int64_t>>;
std::vector<int64_t> flat(const Rows& rows) {
    std::vector<int64_t> v;
    for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
    return v;
}
}  // namespace

TEST_CASE(
    "instruction sets: format_input, the split, custom_collate_fn, the first batch and the book's loader") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Instruction)) {
        INFO("instruction set " << dir.string());
        const json e = json::parse(read_file(dir / "instruction.json"));
        const json& spec = e.at("spec");
        const auto data = load_instruction_data(testing::project_path(spec.at("data")));
        CHECK(static_cast<int64_t>(data.size()) == e.at("data").at("entries").get<int64_t>());
        for (const auto& f : e.at("format_input")) {
            const Entry& entry = data.at(f.at("index").get<size_t>());
            CHECK(entry.instruction == f.at("entry").at("instruction").get<std::string>());
            CHECK(format_input(entry) == f.at("format_input").get<std::string>());
            CHECK(full_text(entry) == f.at("full_text").get<std::string>());
        }
        const InstructionSplit s = split_instruction_data(data);
        CHECK(static_cast<int64_t>(s.train.size()) == e.at("split").at("train").get<int64_t>());
        CHECK(static_cast<int64_t>(s.validation.size()) ==
              e.at("split").at("validation").get<int64_t>());
        CHECK(static_cast<int64_t>(s.test.size()) == e.at("split").at("test").get<int64_t>());
        CHECK(s.test.front().instruction ==
              data.at(e.at("split").at("test_range")[0].get<size_t>()).instruction);

        // the book's toy batch through the drafts and custom_collate_fn
        const auto& toy = e.at("toy_batch");
        const Rows batch = toy.at("batch").get<Rows>();
        for (const auto& c : toy.at("custom_collate_fn")) {
            std::optional<int64_t> A;
            if (!c.at("allowed_max_length").is_null())
                A = c.at("allowed_max_length").get<int64_t>();
            INFO("allowed_max_length " << (A ? std::to_string(*A) : "None"));
            const auto b = custom_collate_fn(batch, 50256, -100, A);
            CHECK(b.inputs.data == flat(c.at("inputs").get<Rows>()));
            CHECK(b.targets.data == flat(c.at("targets").get<Rows>()));
        }
        // the drafts: padding and shifting without the -100s
        const auto d2 = custom_collate_draft_2(batch);
        CHECK(d2.inputs.data == flat(toy.at("draft_2").at("inputs").get<Rows>()));
        CHECK(d2.targets.data == flat(toy.at("draft_2").at("targets").get<Rows>()));
        CHECK(d2.inputs.data == flat(toy.at("draft_1").get<Rows>()));

        // the first shuffled training batch after manual_seed
        const auto& fb = e.at("first_batch");
        auto train_dataset = std::make_shared<const InstructionDataset>(s.train);
        manual_seed(fb.at("seed").get<uint64_t>());
        DataLoader<InstructionDataset> train_loader(train_dataset,
                                                    fb.at("batch_size").get<int64_t>(), true, true);
        CHECK(train_loader.size() == fb.at("num_batches").get<int64_t>());
        const auto indices = train_loader.epoch_indices().at(0);
        CHECK(indices == fb.at("indices").get<std::vector<int64_t>>());
        std::vector<InstructionDataset::Item> items;
        for (int64_t i : indices) items.push_back(train_dataset->get(i));
        CHECK(items == fb.at("items").get<Rows>());
        const auto first = custom_collate_fn(
            items, 50256, -100, spec.at("collate").at("allowed_max_length").get<int64_t>());
        CHECK(first.inputs.data == flat(fb.at("inputs").get<Rows>()));
        CHECK(first.targets.data == flat(fb.at("targets").get<Rows>()));
        int64_t counted = 0;
        for (int64_t t : first.targets.data) counted += t != -100;
        CHECK(counted == fb.at("n_target_tokens").get<int64_t>());
        const auto& a20 = fb.at("allowed_max_length_20");
        const auto cut =
            custom_collate_fn(items, 50256, -100, a20.at("allowed_max_length").get<int64_t>());
        CHECK(cut.inputs.data == flat(a20.at("inputs").get<Rows>()));
        CHECK(cut.targets.data == flat(a20.at("targets").get<Rows>()));

        // the book's own loader: batch 8, every shape of the first epoch, the last batch's first row
        if (e.contains("book_loader_bs8")) {
            const auto& bl = e.at("book_loader_bs8");
            manual_seed(bl.at("seed").get<uint64_t>());
            DataLoader<InstructionDataset> book_loader(train_dataset, 8, true, true);
            const auto batches = instruction_batches(book_loader, 1024);
            REQUIRE(static_cast<int64_t>(batches.size()) == bl.at("num_batches").get<int64_t>());
            std::vector<std::vector<int64_t>> shapes;
            for (const auto& b : batches) shapes.push_back(b.inputs.shape);
            CHECK(shapes == bl.at("shapes").get<Rows>());
            const auto& last = batches.back();
            const auto T = static_cast<long>(last.inputs.size(1));
            CHECK(std::vector<int64_t>(last.inputs.data.begin(), last.inputs.data.begin() + T) ==
                  bl.at("last_batch_inputs0").get<std::vector<int64_t>>());
            CHECK(std::vector<int64_t>(last.targets.data.begin(), last.targets.data.begin() + T) ==
                  bl.at("last_batch_targets0").get<std::vector<int64_t>>());
        }
    }
}

TEST_CASE("a bad instruction-data file: errors naming the file and the entry") {
    const fs::path p =
        fs::temp_directory_path() / ("ch07_bad_" + std::to_string(::getpid()) + ".json");
    auto error_for = [&](const std::string& text) -> std::string {
        std::ofstream(p) << text;
        try {
            load_instruction_data(p);
        } catch (const FormatError& e) { return e.what(); }
        return "no error";
    };
    const std::string f = p.string();
    CHECK(error_for("{\"instruction\": \"x\"}") == f + ": expected a JSON list of entries");
    CHECK(error_for("[]") == f + ": no entries");
    CHECK(
        error_for(
            "[{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\"}, {\"instruction\": \"a\", \"output\": \"b\"}]") ==
        f + ": entry 1: no string 'input'");
    CHECK(error_for("[{\"instruction\": 3, \"input\": \"\", \"output\": \"b\"}]") ==
          f + ": entry 0: no string 'instruction'");
    CHECK(error_for("[{\"instruction\": ").rfind(f + ": not valid JSON", 0) == 0);
    // found by fuzz_instruction_json: a number too large for a double is the
    // JSON library's out_of_range, not its parse_error
    CHECK(error_for("[1111111e18888888888]").rfind(f + ": not valid JSON", 0) == 0);
    fs::remove(p);
    CHECK_THROWS_AS(custom_collate_fn({}), ValueError);
}
