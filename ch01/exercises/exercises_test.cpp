// Checks for the chapter 1 exercises. Expected values from a shell pipeline:
//   tr -cs 'A-Za-z' '\n' < data/the-verdict.txt | tr 'A-Z' 'a-z' | grep -v '^$' > words
//   paste -d' ' <(sed '$d' words | sed '$d') <(sed '1d' words | sed '$d') <(sed '1,2d' words) > trigrams
//   grep '^i had ' trigrams | sort | uniq -c | sort -k1,1nr -k2 | head -1   -> 3 i had always
//   (likewise: "it was" -> not (4), "of the" -> donkey (2), "he was" -> dead (3))
#include <doctest/doctest.h>

#include "../next_word.hpp"
#include "exercises.hpp"
#include "paths.hpp"

using namespace llm;

TEST_CASE("Exercise 1.1: trigram next word") {
    const auto words = ch01::split_words(read_file(data_dir() / "the-verdict.txt"));
    using ch01::exercises::trigram_next;
    CHECK(trigram_next(words, "i", "had") == "always");
    CHECK(trigram_next(words, "it", "was") == "not");
    CHECK(trigram_next(words, "of", "the") == "donkey");
    CHECK(trigram_next(words, "he", "was") == "dead");
    CHECK(trigram_next(words, "zebra", "crossing").empty());
}
