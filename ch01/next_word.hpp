// Next-word prediction made concrete: the task an LLM is pretrained on,
// here solved by counting which word follows which in the-verdict.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace llm {
class Generator;
}

namespace llm::ch01 {

// Lower-cased runs of ASCII letters: "I HAD always" -> i, had, always.
std::vector<std::string> split_words(const std::string& text);

// Self-supervised learning: the text itself supplies the labels. Each
// window of `context` words is an input; the same window shifted by one
// word is its target.
struct Pair {
    std::vector<std::string> input, target;
};
std::vector<Pair> input_target_pairs(const std::vector<std::string>& words, size_t context,
                                     size_t stride);

// Word bigram counts: how often `next` follows `word`.
class BigramModel {
public:
    explicit BigramModel(const std::vector<std::string>& words);
    int64_t count(const std::string& word, const std::string& next) const;
    // Followers of word, most frequent first (ties alphabetically).
    std::vector<std::pair<std::string, int64_t>> followers(const std::string& word) const;
    // The most likely next word; empty if the word was never followed.
    std::string most_likely_next(const std::string& word) const;
    // Autoregressive generation: each new word is appended and becomes the
    // context for the next. Greedy picks the most likely; sampling draws in
    // proportion to the counts with the given generator.
    std::vector<std::string> generate_greedy(const std::string& start, size_t n) const;
    std::vector<std::string> generate_sampled(const std::string& start, size_t n,
                                              Generator& gen) const;
    size_t vocabulary_size() const { return table_.size(); }

private:
    std::map<std::string, std::map<std::string, int64_t>> table_;
};

}  // namespace llm::ch01
