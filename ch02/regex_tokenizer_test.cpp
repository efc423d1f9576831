#include <doctest/doctest.h>

#include "paths.hpp"
#include "regex_tokenizer.hpp"

using namespace llm;
using namespace llm::ch02;

TEST_CASE("2.2 the book's split of its own example sentence") {
    CHECK(split_book_regex("Hello, world. Is this-- a test?") ==
          std::vector<std::string>{"Hello", ",", "world", ".", "Is", "this", "--", "a", "test", "?"});
}

TEST_CASE("2.2 the-verdict: 20479 characters, 4690 tokens, starting I HAD always thought Jack Gisburn") {
    const std::string text = read_file(data_dir() / "the-verdict.txt");
    CHECK(text.size() == 20479);
    const auto tokens = split_book_regex(text);
    CHECK(tokens.size() == 4690);
    CHECK(std::vector<std::string>(tokens.begin(), tokens.begin() + 6) ==
          std::vector<std::string>{"I", "HAD", "always", "thought", "Jack", "Gisburn"});
}

TEST_CASE("whitespace of every kind separates; a single hyphen does not") {
    CHECK(split_book_regex("a\tb\u00a0c\r\nd-e") == std::vector<std::string>{"a", "b", "c", "d-e"});
    CHECK(split_book_regex("   ").empty());
}
