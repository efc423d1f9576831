#include <doctest/doctest.h>

#include "error.hpp"
#include "paths.hpp"
#include "regex_tokenizer.hpp"
#include "simple_tokenizer.hpp"

using namespace llm;
using namespace llm::ch02;

namespace {
const std::vector<std::string>& verdict_tokens() {
    static const auto t = split_book_regex(read_file(data_dir() / "the-verdict.txt"));
    return t;
}
}  // namespace

TEST_CASE("2.3 vocabulary of the-verdict: 1130 tokens; with the two special tokens 1132") {
    CHECK(build_vocab(verdict_tokens()).size() == 1130);
    const Vocab v2 = build_vocab(verdict_tokens(), {"<|endoftext|>", "<|unk|>"});
    CHECK(v2.size() == 1132);
    CHECK(v2.at("<|endoftext|>") == 1130);
    CHECK(v2.at("<|unk|>") == 1131);
    CHECK(v2.at("!") == 0);  // sorted: punctuation first
}

TEST_CASE(
    "2.3 SimpleTokenizerV1 encodes the book's sentence to the book's ids, and decodes it back") {
    const SimpleTokenizerV1 tok(build_vocab(verdict_tokens()));
    const std::string text =
        "\"It's the last he painted, you know,\" \n           Mrs. Gisburn said with pardonable pride.";
    const auto ids = tok.encode(text);
    CHECK(ids == std::vector<int64_t>{1, 56, 2,  850, 988, 602, 533,  746, 5,   1126, 596,
                                      5, 1,  67, 7,   38,  851, 1108, 754, 793, 7});
    CHECK(tok.decode(ids) ==
          "\" It' s the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.");
    CHECK_THROWS_WITH_AS(tok.encode("Hello, do you like tea?"), doctest::Contains("'Hello'"),
                         ValueError);
}

TEST_CASE("2.4 SimpleTokenizerV2 maps unknown words to <|unk|> and keeps <|endoftext|>") {
    const SimpleTokenizerV2 tok(build_vocab(verdict_tokens(), {"<|endoftext|>", "<|unk|>"}));
    const std::string text =
        "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.";
    const auto ids = tok.encode(text);
    CHECK(ids ==
          std::vector<int64_t>{1131, 5, 355, 1126, 628, 975, 10, 1130, 55, 988, 956, 984, 722, 988,
                               1131, 7});
    CHECK(tok.decode(ids) ==
          "<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>.");
}
