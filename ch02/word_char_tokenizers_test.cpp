#include <doctest/doctest.h>

#include "word_char_tokenizers.hpp"

using namespace llm::ch02;

TEST_CASE("word tokenizer: sorted vocabulary after [PAD] and [UNK]; unseen words are [UNK]") {
    const WordTokenizer w("the cat sat. The dog");
    // vocabulary: [PAD] [UNK] . cat dog sat the
    CHECK(w.vocab_size() == 7);
    CHECK(w.encode("The cat, the bird.") == std::vector<int64_t>{6, 3, 1, 6, 1, 2});
    CHECK(w.tokenize("a cat") == std::vector<std::string>{"[UNK]", "cat"});
}

TEST_CASE("character tokenizer: one id per code point in order of first appearance") {
    const CharTokenizer c("abca é");
    // a=2 b=3 c=4 ' '=5 é=6
    CHECK(c.vocab_size() == 7);
    CHECK(c.encode("cab é!") == std::vector<int64_t>{4, 2, 3, 5, 6, 1});
    CHECK(c.tokenize("éz") == std::vector<std::string>{"é", "[UNK]"});
}
