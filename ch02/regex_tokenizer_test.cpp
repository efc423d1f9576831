#include <doctest/doctest.h>

#include "paths.hpp"
#include "regex_tokenizer.hpp"

using namespace llm;
using namespace llm::ch02;

using V = std::vector<std::string>;

TEST_CASE(
    "2.2 re.split(r'(\\s)', text), then ([,.]|\\s), then the stripped list, as the book prints them") {
    const std::string text = "Hello, world. This, is a test.";
    // book 2.2: re.split(r'(\s)', text)
    CHECK(split_on_whitespace(text) ==
          V{"Hello,", " ", "world.", " ", "This,", " ", "is", " ", "a", " ", "test."});
    // book 2.2: re.split(r'([,.]|\s)', text)
    const auto result = split_on_comma_period_whitespace(text);
    CHECK(result ==
          V{"Hello", ",", "", " ", "world", ".", "", " ", "This", ",", "", " ", "is", " ", "a", " ",
            "test", ".", ""});
    // book 2.2: [item for item in result if item.strip()]
    CHECK(strip_empty(result) ==
          V{"Hello", ",", "world", ".", "This", ",", "is", "a", "test", "."});
}

TEST_CASE("2.2 the book's split of its own example sentence") {
    CHECK(
        split_book_regex("Hello, world. Is this-- a test?") ==
        std::vector<std::string>{"Hello", ",", "world", ".", "Is", "this", "--", "a", "test", "?"});
}

TEST_CASE(
    "2.2 the-verdict: 20479 characters, 4690 tokens, starting I HAD always thought Jack Gisburn") {
    const std::string text = read_file(data_dir() / "the-verdict.txt");
    CHECK(text.size() == 20479);
    const auto tokens = split_book_regex(text);
    CHECK(tokens.size() == 4690);
    // book 2.2: print(preprocessed[:30])
    CHECK(V(tokens.begin(), tokens.begin() + 30) ==
          V{"I",     "HAD",    "always", "thought", "Jack", "Gisburn", "rather",   "a",
            "cheap", "genius", "--",     "though",  "a",    "good",    "fellow",   "enough",
            "--",    "so",     "it",     "was",     "no",   "great",   "surprise", "to",
            "me",    "to",     "hear",   "that",    ",",    "in"});
    // book 2.2: print(raw_text[:99])
    CHECK(
        text.substr(0, 99) ==
        "I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no ");
}

TEST_CASE("whitespace of every kind separates; a single hyphen does not") {
    CHECK(split_book_regex("a\tb\u00a0c\r\nd-e") == std::vector<std::string>{"a", "b", "c", "d-e"});
    CHECK(split_book_regex("   ").empty());
}
