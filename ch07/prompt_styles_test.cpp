// The prompt styles against their published templates: the book's exercise
// 7.1 solution for Phi-3 (its example entry), Meta's Llama-2 chat format
// (one user turn with a system prompt); and on every entry of the
// instruction sets' data, that each style's full text is prompt, response
// template and output, and that the Alpaca style is the chapter's.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "gpt_dataset.hpp"
#include "instruction_data.hpp"
#include "paths.hpp"
#include "prompt_styles.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch07;
using nlohmann::json;

namespace {
// The book's exercise 7.1 example.
const Entry kSpelling{"Identify the correct spelling of the following word.", "Ocassion",
                      "The correct spelling is 'Occasion.'"};
}  // namespace

TEST_CASE("exercise 7.1's Phi-3 style: <|user|>, the instruction and input, then <|assistant|>:") {
    CHECK(format_input_phi(kSpelling) ==
          "<|user|>\nIdentify the correct spelling of the following word.\nOcassion");
    CHECK(full_text(kSpelling, PromptStyle::Phi3) ==
          "<|user|>\nIdentify the correct spelling of the following word.\nOcassion"
          "\n<|assistant|>:\nThe correct spelling is 'Occasion.'");
    const Entry no_input{"Name a primary color.", "", "Red."};
    CHECK(format_input_phi(no_input) == "<|user|>\nName a primary color.");
    // GPT-2 has no such special tokens: they are encoded as ordinary text
    CHECK(ch02::gpt2_tokenizer().decode(ch02::gpt2_tokenizer().encode(
              format_input_phi(no_input))) == "<|user|>\nName a primary color.");
}

TEST_CASE("Llama-2's chat format: the system prompt in <<SYS>>, the turn in [INST] ... [/INST]") {
    CHECK(format_input_llama2(kSpelling) ==
          "[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\n"
          "Identify the correct spelling of the following word.\nOcassion [/INST]");
    CHECK(format_input_llama2({"Name a primary color.", "", "Red."}, "Answer briefly.") ==
          "[INST] <<SYS>>\nAnswer briefly.\n<</SYS>>\n\nName a primary color. [/INST]");
    CHECK(
        full_text({"Name a primary color.", "", "Red."}, PromptStyle::Llama2) ==
        "[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\nName a primary color. [/INST] Red.");
}

TEST_CASE("prompt style names, and every style on every entry of the instruction sets' data") {
    for (const char* name : {"alpaca", "phi3", "llama2"})
        CHECK(std::string(prompt_style_name(parse_prompt_style(name))) == name);
    CHECK_THROWS_WITH_AS(parse_prompt_style("chatml"),
                         doctest::Contains("unknown prompt style 'chatml'"), ValueError);
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Instruction)) {
        INFO("instruction set " << dir.string());
        const json e = json::parse(read_file(dir / "instruction.json"));
        const auto data = load_instruction_data(testing::project_path(e.at("spec").at("data")));
        for (const Entry& entry : data) {
            CHECK(full_text(entry, PromptStyle::Alpaca) == full_text(entry));  // the chapter's
            for (const auto style : {PromptStyle::Alpaca, PromptStyle::Phi3, PromptStyle::Llama2})
                CHECK(full_text(entry, style) ==
                      format_prompt(entry, style) + response_template(style) + entry.output);
        }
    }
}
