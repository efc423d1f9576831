// The book's bonus material: training a BPE tokenizer from scratch
// (BPETokenizerSimple). Spaces become the marker "Ġ" (as in GPT-2's files),
// the alphabet starts with the 256 code points 0-255, and each round merges
// the most frequent adjacent pair into a new token.
//
// Tie-breaking (as the bonus code's Counter + max): among pairs with the
// highest count, the one whose first occurrence in the current sequence
// comes first wins.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace llm::ch02 {

class BPETokenizerSimple {
public:
    // Learns merges until the vocabulary has vocab_size entries (or no pair is left).
    void train(const std::string& text, int64_t vocab_size,
               const std::set<std::string>& allowed_special = {"<|endoftext|>"});
    // The bonus code's encode: split at whitespace (which is not kept: newlines
    // and runs of spaces are lost), prefix every word but the first with "Ġ",
    // then merge each word in passes: left to right, any adjacent pair that is
    // a learned merge is merged, until a pass merges nothing.
    std::vector<int64_t> encode(const std::string& text) const;
    std::string decode(const std::vector<int64_t>& ids) const;  // "Ġ" back to spaces

    // GPT-2's file format: a JSON object token -> id, and "a b" merge lines.
    void save(const std::filesystem::path& vocab_json,
              const std::filesystem::path& merges_txt) const;
    static BPETokenizerSimple load(const std::filesystem::path& vocab_json,
                                   const std::filesystem::path& merges_txt);

    int64_t vocab_size() const { return static_cast<int64_t>(vocab_.size()); }
    const std::vector<std::pair<int64_t, int64_t>>& merges() const { return merges_; }
    const std::string& token(int64_t id) const { return vocab_.at(static_cast<size_t>(id)); }

private:
    std::vector<int64_t> symbols(const std::string& text) const;  // after the space -> Ġ step
    std::vector<std::string> vocab_;  // id -> token text (UTF-8)
    std::map<std::string, int64_t> inverse_;
    std::vector<std::pair<int64_t, int64_t>>
        merges_;  // rank -> pair; merged id = first new id + rank
    std::map<std::pair<int64_t, int64_t>, int64_t> merge_rank_;
};

}  // namespace llm::ch02
