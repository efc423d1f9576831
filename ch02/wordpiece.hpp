// BERT's WordPiece tokenizer (bert-base-uncased), for comparison with
// GPT-2's BPE: normalise (clean, lower-case, strip accents, space out CJK
// characters), split on whitespace and punctuation, then cut each word into
// the longest vocabulary pieces from the left, later pieces marked "##".
// Gives the ids of HuggingFace's tokenizers (Rust) without [CLS]/[SEP].
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llm::ch02 {

class BertWordPiece {
public:
    static BertWordPiece from_file(const std::filesystem::path& vocab_txt);
    static BertWordPiece from_string(const std::string& vocab_txt,
                                     const std::string& name = "vocab.txt");
    static BertWordPiece from_data_dir();  // data/bert-base-uncased/vocab.txt

    std::vector<int64_t> encode(std::string_view text) const;
    std::vector<std::string> tokenize(std::string_view text) const;  // the pieces, "##" included
    const std::string& token(int64_t id) const;
    int64_t unk_id() const { return unk_; }
    int64_t vocab_size() const { return static_cast<int64_t>(tokens_.size()); }

    // The normaliser and pre-tokenizer on their own (BertNormalizer + BertPreTokenizer).
    static std::string normalize(std::string_view text);
    static std::vector<std::string> pre_tokenize(const std::string& normalized);

private:
    void word_pieces(const std::string& word, std::vector<int64_t>& out) const;
    std::vector<std::string> tokens_;
    std::unordered_map<std::string, int64_t> ids_;
    int64_t unk_ = -1;
};

}  // namespace llm::ch02
