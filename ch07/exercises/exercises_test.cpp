// Expected values: the book's exercise 7.1 example in the Phi-3 template of
// the book's solution, and for 7.2 the instruction sets' first batch (the
// book's collate run with PyTorch on tiktoken's ids): the prompt ends where
// the ids of "\n\n### Response:\n" begin, and every target before that
// position must become -100.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "exercises.hpp"
#include "gpt_dataset.hpp"
#include "lora.hpp"
#include "prompt_styles.hpp"
#include "random.hpp"
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

namespace {
// An Alpaca-form file of n entries: some without input, one with non-ASCII
// text, and the last one far longer than the 512-token cut.
std::filesystem::path alpaca_like_file(int n) {
    json data = json::array();
    for (int i = 0; i < n; ++i) {
        std::string output = "Answer number " + std::to_string(i) + ".";
        if (i == n - 1)
            for (int k = 0; k < 300; ++k) output += " and more words";
        data.push_back({{"instruction", "Give answer " + std::to_string(i) + " (caf\u00e9)."},
                        {"input", i % 3 ? "some input " + std::to_string(i) : ""},
                        {"output", output}});
    }
    const auto path = std::filesystem::temp_directory_path() / "ch07-exercise-7.3.json";
    write_file_atomic(path, data.dump(2));
    return path;
}
}  // namespace

TEST_CASE("Exercise 7.3: the pipeline on another JSON of the same form") {
    const int n = 40;
    const auto path = alpaca_like_file(n);
    const auto data = load_instruction_data(path);
    const InstructionLoaders l = alpaca_loaders(path, 4, 512);
    const auto train = static_cast<int64_t>(n * 0.85), test = static_cast<int64_t>(n * 0.1);
    CHECK(l.train_loader.dataset().size() == train);
    CHECK(l.test_loader.dataset().size() == test);
    CHECK(l.val_loader.dataset().size() == n - train - test);
    CHECK(l.train_loader.size() == train / 4);  // drop_last
    CHECK(l.allowed_max_length == 512);
    // the validation set holds the long last entry: its batch is cut to 512
    const auto val = instruction_batches(l.val_loader, l.allowed_max_length);
    REQUIRE(val.size() == 1);
    std::vector<std::vector<int64_t>> items;
    for (int64_t i = train + test; i < n; ++i)
        items.push_back(ch02::gpt2_tokenizer().encode(full_text(data[static_cast<size_t>(i)]),
                                                      {"<|endoftext|>"}));
    REQUIRE(items.back().size() > 512);
    const auto want = custom_collate_fn(items, 50256, -100, 512);
    CHECK(val[0].inputs.shape == Shape{n - train - test, 512});
    CHECK(val[0].inputs.data == want.inputs.data);
    CHECK(val[0].targets.data == want.targets.data);
    for (const auto& b : instruction_batches(l.train_loader, 512)) CHECK(b.inputs.size(1) <= 512);
}

TEST_CASE("Exercise 7.3: an entry without an output is an error naming the file and the entry") {
    const auto path = std::filesystem::temp_directory_path() / "ch07-exercise-7.3-bad.json";
    write_file_atomic(path, R"([{"instruction": "a", "input": "", "output": "b"},
                                {"instruction": "c", "input": ""}])");
    try {
        alpaca_loaders(path);
        FAIL("no error");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m.find(path.string()) != std::string::npos);
        CHECK(m.find("entry 1") != std::string::npos);
        CHECK(m.find("output") != std::string::npos);
    }
}

namespace {
// LoRA's trainable count from the configuration alone: rank * (in + out)
// for each Linear: W_query, W_key, W_value, out_proj (e -> e), the two
// feed-forward layers (e -> 4e, 4e -> e) of every block, and the output head.
int64_t lora_count(const ch04::GPTConfig& c, int64_t r) {
    const int64_t e = c.emb_dim;
    return c.n_layers * (4 * r * (e + e) + 2 * r * (e + 4 * e)) + r * (e + c.vocab_size);
}
}  // namespace

TEST_CASE(
    "Exercise 7.4: LoRA on a small GPT: only A and B train, the output is unchanged at first") {
    ch04::GPTConfig cfg;
    cfg.vocab_size = 97;
    cfg.context_length = 16;
    cfg.emb_dim = 16;
    cfg.n_heads = 2;
    cfg.n_layers = 2;
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    manual_seed(123);
    ch04::GPTModel model(cfg);
    model.eval();
    const IntTensor ids({1, 5}, {3, 1, 4, 1, 5});
    const Tensor before = model.forward(ids);
    CHECK(prepare_lora_finetuning(model, 4, 8) == lora_count(cfg, 4));
    const Tensor after = model.forward(ids);  // B starts at zero
    const auto r = testing::all_close(after, before.to_vector(), 0, 0);
    CHECK_MESSAGE(r.ok, r.message);
    for (const auto& [name, p] : model.named_parameters())
        CHECK_MESSAGE(p.requires_grad() == (name.ends_with(".lora.A") || name.ends_with(".lora.B")),
                      name);
}

TEST_CASE("Exercise 7.4: GPT-2 medium (GPT_CONFIG_355M) with rank 16 trains the book's 7,898,384") {
    ch04::GPTConfig cfg;  // gpt2-medium (355M)
    cfg.emb_dim = 1024;
    cfg.n_heads = 16;
    cfg.n_layers = 24;
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = true;
    ch04::GPTModel model(cfg);
    CHECK(appendix_e::count_trainable(model) == 406286336);  // the book: before freezing
    CHECK(prepare_lora_finetuning(model, 16, 16) == 7898384);
    CHECK(lora_count(cfg, 16) == 7898384);
}
