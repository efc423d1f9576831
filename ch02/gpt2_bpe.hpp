// Section 2.5: GPT-2's byte-level byte pair encoding, giving exactly the
// ids of OpenAI's tiktoken ("gpt2") for any text.
//
// encode = split the text at allowed special tokens; cut each segment into
// pieces with GPT-2's pre-tokenizer pattern (written by hand below);
// turn each piece into bytes and merge adjacent parts, lowest rank first,
// until no adjacent pair forms a token.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llm::ch02 {

// GPT-2's byte <-> printable character table: bytes that are printable
// stand for themselves; the others are shifted to code points 256 and up,
// so every token of encoder.json is a readable string (space is "Ġ").
const std::vector<char32_t>& bytes_to_unicode();
// Raw bytes written in that alphabet, and back (false when a character is not in it).
std::string bytes_to_unicode_string(std::string_view bytes);
bool unicode_to_bytes(std::string_view s, std::string& out);

// The GPT-2 pre-tokenizer: tiktoken's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// applied left to right, returning the pieces (they concatenate to the text).
// The text is decoded window_bytes at a time (gpt2_bpe.cpp says why); the
// pieces do not depend on it, which a test checks with tiny windows.
constexpr size_t kPretokenizeWindowBytes = size_t{8} << 10;
std::vector<std::string_view> gpt2_pretokenize(std::string_view text,
                                               size_t window_bytes = kPretokenizeWindowBytes);

class GPT2Tokenizer {
public:
    // Loads and validates encoder.json and vocab.bpe; errors name the file and the entry.
    static GPT2Tokenizer from_files(const std::filesystem::path& encoder_json,
                                    const std::filesystem::path& vocab_bpe);
    // The same from the files' contents; the names are used in error messages.
    static GPT2Tokenizer from_strings(std::string_view encoder_json, std::string_view vocab_bpe,
                                      const std::string& encoder_name = "encoder.json",
                                      const std::string& bpe_name = "vocab.bpe");
    // data/gpt2/ of this repository.
    static GPT2Tokenizer from_data_dir();

    // tiktoken's encode(text, allowed_special=...): an allowed special token in
    // the text becomes its id; any other special token in the text is an error
    // (ValueError), as tiktoken raises. Invalid UTF-8 is a FormatError naming the byte offset.
    std::vector<int64_t> encode(std::string_view text,
                                const std::set<std::string>& allowed_special = {}) const;
    // tiktoken's encode_ordinary: special-token text is encoded as plain text.
    std::vector<int64_t> encode_ordinary(std::string_view text) const;
    // The same two, appending to out: a caller that encodes part after part
    // reuses one buffer (fresh memory costs a page fault per 4 KB).
    void encode_into(std::string_view text, const std::set<std::string>& allowed_special,
                     std::vector<int64_t>& out) const;
    void encode_ordinary_into(std::string_view text, std::vector<int64_t>& out) const;
    // The bytes of the tokens joined, with invalid UTF-8 replaced by U+FFFD (tiktoken's decode).
    std::string decode(const std::vector<int64_t>& ids) const;
    // The raw bytes (tiktoken's decode_bytes). Unknown ids are a ValueError naming id and position.
    std::string decode_bytes(const std::vector<int64_t>& ids) const;
    // A token's bytes (a special token's text); ValueError for an unknown id.
    std::string_view token_bytes(int64_t id) const;

    int64_t vocab_size() const { return vocab_size_; }
    int64_t eot_token() const { return eot_; }
    // Number of merges read from vocab.bpe.
    size_t merges() const { return merges_; }

    // Opaque: the pair table and the word cache.
    struct Impl;
    GPT2Tokenizer();
    ~GPT2Tokenizer();
    GPT2Tokenizer(GPT2Tokenizer&&) noexcept;
    GPT2Tokenizer& operator=(GPT2Tokenizer&&) noexcept;

private:
    void encode_segment(std::string_view segment, std::vector<int64_t>& out) const;
    void encode_piece(std::string_view piece, std::vector<int64_t>& out) const;
    std::string_view bytes_of(size_t id) const;  // id within range
    int64_t vocab_size_ = 0;
    std::map<std::string, int64_t> specials_;
    int64_t eot_ = -1;
    size_t merges_ = 0;
    std::unique_ptr<Impl> impl_;
};

}  // namespace llm::ch02
