// The two simplest tokenizers, for comparison: one id per word (a fixed
// vocabulary learned from a text, [UNK] for the rest) and one id per
// character. They bracket the trade-off BPE and WordPiece sit between:
// words give short sequences but unknown words; characters never fail but
// give long sequences.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace llm::ch02 {

// [PAD] = 0, [UNK] = 1, then the training text's lower-cased words and
// punctuation (the book's regex split) in sorted order.
class WordTokenizer {
public:
    explicit WordTokenizer(std::string_view training_text);
    std::vector<int64_t> encode(std::string_view text) const;
    std::vector<std::string> tokenize(std::string_view text) const;  // unknown words shown as [UNK]
    int64_t vocab_size() const { return static_cast<int64_t>(vocab_.size()); }
    static constexpr int64_t pad_id = 0, unk_id = 1;

private:
    std::map<std::string, int64_t> vocab_;
};

// [PAD] = 0, [UNK] = 1, then every code point of the training text in order.
class CharTokenizer {
public:
    explicit CharTokenizer(std::string_view training_text);
    std::vector<int64_t> encode(std::string_view text) const;
    std::vector<std::string> tokenize(std::string_view text) const;
    int64_t vocab_size() const { return static_cast<int64_t>(vocab_.size()) + 2; }
    static constexpr int64_t pad_id = 0, unk_id = 1;

private:
    std::map<char32_t, int64_t> vocab_;
};

}  // namespace llm::ch02
