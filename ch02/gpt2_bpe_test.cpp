// GPT-2 BPE against tiktoken: every fixture text in both modes, the book's
// numbers, special tokens, decoding and errors.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "error.hpp"
#include <nlohmann/json.hpp>
#include "gpt2_bpe.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch02;
namespace fs = std::filesystem;

namespace {
const GPT2Tokenizer& tokenizer() { return gpt2_tokenizer(); }  // the one the chapters share
// Index of the first difference, or -1.
long first_difference(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i]) return static_cast<long>(i);
    return a.size() == b.size() ? -1 : static_cast<long>(std::min(a.size(), b.size()));
}
}  // namespace

TEST_CASE(
    "tokenizer fixtures: tiktoken's ids for every X.txt, with <|endoftext|> allowed and as encode_ordinary") {
    const auto sets = testing::gpt2_tokenizer_sets();
    int checked = 0;
    for (const auto& set : sets) {
        if (set.has_ids) {
            INFO(set.text_file.string() << " (encode, <|endoftext|> allowed)");
            const auto got = tokenizer().encode(set.text, {"<|endoftext|>"});
            CHECK(first_difference(got, set.ids) == -1);
            CHECK(tokenizer().decode_bytes(got) == set.text);
            ++checked;
        }
        if (set.has_ordinary_ids) {
            INFO(set.text_file.string() << " (encode_ordinary)");
            CHECK(first_difference(tokenizer().encode_ordinary(set.text), set.ordinary_ids) == -1);
            ++checked;
        }
        MESSAGE("GPT-2 tokenizer fixture: " << set.text_file.string());
    }
    MESSAGE(checked << " GPT-2 id files checked for " << sets.size() << " texts");
    CHECK(checked > 0);
}

TEST_CASE(
    "the pre-tokenizer decodes a window at a time: with windows of 1 to 64 bytes, tiktoken's ids for every X.txt") {
    // Encoding each piece alone and joining the ids gives tiktoken's
    // encode_ordinary only if the pieces are the pattern's (each piece is one
    // piece of its own). Tiny windows put a window's end at every kind of place.
    int checked = 0;
    for (const auto& set : testing::gpt2_tokenizer_sets()) {
        if (!set.has_ordinary_ids) continue;
        const auto whole = gpt2_pretokenize(set.text, set.text.size() + 1);  // one window
        for (size_t window : {1, 2, 3, 4, 5, 7, 13, 64}) {
            INFO(set.text_file.string() << ", windows of " << window << " bytes");
            const auto pieces = gpt2_pretokenize(set.text, window);
            std::vector<int64_t> ids;
            for (auto p : pieces)
                for (auto id : tokenizer().encode_ordinary(p)) ids.push_back(id);
            CHECK(first_difference(ids, set.ordinary_ids) == -1);
            CHECK(pieces == whole);
        }
        MESSAGE("pre-tokenizer windows checked on " << set.text_file.string());
        ++checked;
    }
    CHECK(checked > 0);
}

TEST_CASE("book_numbers.json: the-verdict's 5145 tokens and the book's examples") {
    const auto files = testing::fixture_sets(testing::FixtureKind::BookNumbers);
    for (const auto& f : files) {
        INFO(f.string());
        const auto j = nlohmann::json::parse(read_file(f));
        const auto& v = j["the_verdict"];
        const auto ids =
            tokenizer().encode(read_file(data_dir() / "the-verdict.txt"), {"<|endoftext|>"});
        CHECK(ids.size() == v["token_count"].get<size_t>());
        CHECK(std::vector<int64_t>(ids.begin(), ids.begin() + 50) ==
              v["first_50_ids"].get<std::vector<int64_t>>());
        CHECK(std::vector<int64_t>(ids.begin() + 50, ids.begin() + 55) ==
              v["ids_50_to_54"].get<std::vector<int64_t>>());
        for (const auto& ex : j["examples"]) {
            const std::string text = ex["text"];
            INFO(text);
            std::set<std::string> allowed;
            if (ex.contains("allowed_special"))
                allowed = ex["allowed_special"].get<std::set<std::string>>();
            CHECK(tokenizer().encode(text, allowed) == ex["ids"].get<std::vector<int64_t>>());
            if (ex.contains("ordinary_ids"))
                CHECK(tokenizer().encode_ordinary(text) ==
                      ex["ordinary_ids"].get<std::vector<int64_t>>());
            if (ex.contains("tokens")) {
                std::vector<std::string> pieces;
                for (int64_t id : ex["ids"].get<std::vector<int64_t>>())
                    pieces.emplace_back(tokenizer().token_bytes(id));
                CHECK(pieces == ex["tokens"].get<std::vector<std::string>>());
            }
        }
    }
}

TEST_CASE(
    "2.5 the book's sliding-window example starts at enc_text[50:]: x = 290 4920 2241 287 -> y = 4920 2241 287 257") {
    const auto ids = tokenizer().encode(read_file(data_dir() / "the-verdict.txt"));
    const std::vector<int64_t> sample(ids.begin() + 50, ids.end());
    CHECK(std::vector<int64_t>(sample.begin(), sample.begin() + 4) ==
          std::vector<int64_t>{290, 4920, 2241, 287});
    CHECK(std::vector<int64_t>(sample.begin() + 1, sample.begin() + 5) ==
          std::vector<int64_t>{4920, 2241, 287, 257});
}

TEST_CASE("GPT-2 vocabulary: 50257 tokens, 50000 merges, <|endoftext|> is 50256") {
    CHECK(tokenizer().vocab_size() == 50257);
    CHECK(tokenizer().merges() == 50000);
    CHECK(tokenizer().eot_token() == 50256);
    CHECK(bytes_to_unicode()[' '] == U'\u0120');  // "Ġ"
}

TEST_CASE("the pre-tokenizer follows the regex alternation, including its corner cases") {
    auto pieces = [](std::string_view s) {
        std::vector<std::string> out;
        for (auto p : gpt2_pretokenize(s)) out.emplace_back(p);
        return out;
    };
    CHECK(pieces("I'm here") == std::vector<std::string>{"I", "'m", " here"});
    CHECK(pieces("HE'S") ==
          std::vector<std::string>{"HE", "'", "S"});  // case-sensitive contractions
    CHECK(pieces("a   b") == std::vector<std::string>{"a", "  ", " b"});
    CHECK(pieces("a\n\nb  ") == std::vector<std::string>{"a", "\n", "\n", "b", "  "});
    CHECK(pieces("x 123 ?!") == std::vector<std::string>{"x", " 123", " ?!"});
}

TEST_CASE("special tokens: disallowed ones are an error, as tiktoken raises") {
    CHECK_THROWS_WITH_AS(tokenizer().encode("a <|endoftext|> b"), doctest::Contains("not allowed"),
                         ValueError);
    CHECK(tokenizer().encode("<|endoftext|>", {"<|endoftext|>"}) == std::vector<int64_t>{50256});
    CHECK(tokenizer().encode_ordinary("<|endoftext|>") ==
          std::vector<int64_t>{27, 91, 437, 1659, 5239, 91, 29});
    CHECK_THROWS_AS(tokenizer().encode("x", {"<|nonsense|>"}), ValueError);
}

TEST_CASE(
    "decoding: ids out of range are errors; partial UTF-8 is replaced as tiktoken's decode does") {
    CHECK_THROWS_WITH_AS(tokenizer().decode({15496, 50257}), doctest::Contains("position 1"),
                         ValueError);
    CHECK_THROWS_AS(tokenizer().decode({-1}), ValueError);
    // U+1F9EC (four bytes) is split into several tokens; the first alone is an incomplete sequence
    const auto dna = tokenizer().encode("\U0001F9EC");
    REQUIRE(dna.size() >= 2);
    CHECK(tokenizer().decode({dna[0]}) == "\xEF\xBF\xBD");
    CHECK(tokenizer().decode_bytes({dna[0]}).size() < 4);
    CHECK(tokenizer().decode(dna) == "\U0001F9EC");
}

TEST_CASE("invalid UTF-8 input is an error naming the byte offset") {
    CHECK_THROWS_WITH_AS(tokenizer().encode("ab\xff"), doctest::Contains("byte offset 2"),
                         FormatError);
    CHECK_THROWS_WITH_AS(tokenizer().encode_ordinary("\xe2\x82"),
                         doctest::Contains("byte offset 0"), FormatError);
    // past the first decoding window: the offset in the whole text, and
    // encode_ordinary_into leaves out as it was
    const std::string late = std::string(3 * kPretokenizeWindowBytes + 5, 'a') + " b\xc3(";
    const std::string where = "byte offset " + std::to_string(late.size() - 2);
    CHECK_THROWS_WITH_AS(tokenizer().encode_ordinary(late), doctest::Contains(where.c_str()),
                         FormatError);
    std::vector<int64_t> out{1, 2};
    CHECK_THROWS_AS(tokenizer().encode_ordinary_into(late, out), FormatError);
    CHECK(out == std::vector<int64_t>{1, 2});
}

TEST_CASE("2.5 unknown words become subword pieces: 'Akwirw ier' -> 33901 86 343 86 220 959") {
    const auto ids = tokenizer().encode("Akwirw ier");
    CHECK(ids == std::vector<int64_t>{33901, 86, 343, 86, 220, 959});
    CHECK(tokenizer().decode(ids) == "Akwirw ier");
}

TEST_CASE(
    "unicode_to_bytes inverts bytes_to_unicode_string and rejects what is outside the alphabet") {
    std::string all, back;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    REQUIRE(unicode_to_bytes(bytes_to_unicode_string(all), back));
    CHECK(back == all);
    for (const char* bad : {"\xC1\xA1", "\xC4", "\xC4\x41", "\xE2\x82\xAC", " ", "\xC5\x84"})
        CHECK_FALSE(
            unicode_to_bytes(bad, back));  // overlong, cut short, 3 bytes, a raw space, U+0144
}

TEST_CASE("malformed or missing vocabulary files are errors naming the file and the entry") {
    CHECK_THROWS_WITH_AS(
        GPT2Tokenizer::from_files("/nonexistent/encoder.json", "/nonexistent/vocab.bpe"),
        doctest::Contains("/nonexistent/encoder.json: cannot open"), FileError);
    CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings("{not json", "#version: 0.2\n"),
                         doctest::Contains("encoder.json: not valid JSON"), FormatError);
    CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(R"({"a": 0, "b": 0})", "#version: 0.2\n"),
                         doctest::Contains("two tokens map to id 0"), FormatError);
    CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(R"({"a": "zero"})", ""),
                         doctest::Contains("not an integer id"), FormatError);
    for (const char* bad :
         {R"({"a": 1.5})", R"({"a": {"b": 1}})", R"({"a": [1]})", R"({"a": null})"})
        CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(bad, ""),
                             doctest::Contains("token 'a' maps to"), FormatError);
    for (const char* bad : {"[0, 1]", "{}", "7"})
        CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(bad, ""),
                             doctest::Contains("expected a JSON object mapping tokens to ids"),
                             FormatError);
    CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(R"({"a": 0, "a": 1})", ""),
                         doctest::Contains("two tokens stand for the same bytes"), FormatError);
    CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(R"({"a": 0, "b": 5})", ""),
                         doctest::Contains("token 'b' has id 5, outside 0..1"), FormatError);
    // a complete byte alphabet, so that the merges file is what is wrong
    nlohmann::json enc = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) {
        std::string s;
        const char32_t cp = bytes_to_unicode()[b];
        if (cp < 0x80)
            s += static_cast<char>(cp);
        else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
        enc[s] = b;
    }
    CHECK_THROWS_WITH_AS(GPT2Tokenizer::from_strings(enc.dump(), "#version: 0.2\na b c\n"),
                         doctest::Contains("vocab.bpe:2: expected two symbols"), FormatError);
    CHECK_THROWS_WITH_AS(
        GPT2Tokenizer::from_strings(enc.dump(), "#version: 0.2\na b\n"),
        doctest::Contains("vocab.bpe:2: merge 'a b' uses symbols that are not in encoder.json"),
        FormatError);
    enc["ab"] = 256;
    CHECK(GPT2Tokenizer::from_strings(enc.dump(), "#version: 0.2\na b\n").encode_ordinary("abab") ==
          std::vector<int64_t>{256, 256});
}

TEST_CASE(
    "encode_into and encode_ordinary_into append the same ids encode and encode_ordinary return") {
    const std::string text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces";
    std::vector<int64_t> out{7, 8};
    tokenizer().encode_into(text, {"<|endoftext|>"}, out);
    std::vector<int64_t> expected{7, 8};
    const auto ids = tokenizer().encode(text, {"<|endoftext|>"});
    expected.insert(expected.end(), ids.begin(), ids.end());
    CHECK(out == expected);
    out.assign({9});
    tokenizer().encode_ordinary_into(text, out);
    expected.assign({9});
    const auto plain = tokenizer().encode_ordinary(text);
    expected.insert(expected.end(), plain.begin(), plain.end());
    CHECK(out == expected);
    CHECK_THROWS_AS(tokenizer().encode_into(text, {}, out), ValueError);
}
