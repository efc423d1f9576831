// Expected values come from a shell pipeline over data/the-verdict.txt, not
// from this program:
//   tr -cs 'A-Za-z' '\n' < data/the-verdict.txt | tr 'A-Z' 'a-z' | grep -v '^$' > words
//   wc -l < words                                   -> 3826 words
//   sort -u words | wc -l                           -> 1073 distinct words
//   paste -d' ' <(sed '$d' words) <(sed '1d' words) > bigrams
//   sort bigrams | uniq -c | sort -k1,1nr -k2 | head -> 22 "of the", 17 "it was", 15 "he was", 15 "i had"
//   grep '^the ' bigrams | sort | uniq -c | sort -k1,1nr -k2 | head -3 -> 7 picture, 5 fact, 4 donkey
//   following the most frequent follower from "i" eight times:
//     i had been able to have been able to
#include <doctest/doctest.h>

#include <set>

#include "next_word.hpp"
#include "paths.hpp"
#include "random.hpp"

using namespace llm;
using namespace llm::ch01;

namespace {
const std::vector<std::string>& verdict_words() {
    static const auto words = split_words(read_file(data_dir() / "the-verdict.txt"));
    return words;
}
}  // namespace

TEST_CASE("the-verdict has 3826 words, 1073 of them distinct") {
    const auto& w = verdict_words();
    CHECK(w.size() == 3826);
    CHECK(std::set<std::string>(w.begin(), w.end()).size() == 1073);
    CHECK(std::vector<std::string>(w.begin(), w.begin() + 6) ==
          std::vector<std::string>{"i", "had", "always", "thought", "jack", "gisburn"});
}

TEST_CASE("bigram counts match the shell pipeline") {
    const BigramModel m(verdict_words());
    CHECK(m.count("of", "the") == 22);
    CHECK(m.count("it", "was") == 17);
    CHECK(m.count("he", "was") == 15);
    CHECK(m.count("i", "had") == 15);
    const auto f = m.followers("the");
    REQUIRE(f.size() >= 3);
    CHECK(f[0] == std::pair<std::string, int64_t>{"picture", 7});
    CHECK(f[1] == std::pair<std::string, int64_t>{"fact", 5});
    CHECK(f[2] == std::pair<std::string, int64_t>{"donkey", 4});
    CHECK(m.most_likely_next("had") == "been");
}

TEST_CASE("greedy generation follows the most likely word each step") {
    const BigramModel m(verdict_words());
    CHECK(m.generate_greedy("i", 8) ==
          std::vector<std::string>{"i", "had", "been", "able", "to", "have", "been", "able", "to"});
}

TEST_CASE("sampled generation is reproducible for a seed and only takes steps seen in the text") {
    const BigramModel m(verdict_words());
    Generator g1(123), g2(123);
    const auto a = m.generate_sampled("the", 20, g1), b = m.generate_sampled("the", 20, g2);
    CHECK(a == b);
    for (size_t i = 0; i + 1 < a.size(); ++i) CHECK(m.count(a[i], a[i + 1]) > 0);
}

TEST_CASE("self-supervised pairs: the target is the input shifted by one word") {
    const std::vector<std::string> w{"a", "b", "c", "d", "e"};
    const auto pairs = input_target_pairs(w, 2, 1);
    REQUIRE(pairs.size() == 3);
    CHECK(pairs[0].input == std::vector<std::string>{"a", "b"});
    CHECK(pairs[0].target == std::vector<std::string>{"b", "c"});
    CHECK(input_target_pairs(w, 2, 2).size() == 2);
}
