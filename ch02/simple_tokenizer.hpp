// Sections 2.3-2.4: a vocabulary from the text's own tokens, and the
// book's SimpleTokenizerV1 (unknown words are an error) and V2 (unknown
// words become <|unk|>, and <|endoftext|> marks document boundaries).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llm::ch02 {

using Vocab = std::map<std::string, int64_t>;

// Sorted unique tokens of the text, numbered from 0; `specials` appended after them.
Vocab build_vocab(const std::vector<std::string>& tokens,
                  const std::vector<std::string>& specials = {});

class SimpleTokenizerV1 {
public:
    explicit SimpleTokenizerV1(Vocab vocab);
    std::vector<int64_t> encode(
        const std::string& text) const;  // ValueError naming an unknown token
    std::string decode(const std::vector<int64_t>& ids) const;  // ValueError naming an unknown id
protected:
    std::string join_and_clean(const std::vector<int64_t>& ids,
                               const std::string& no_space_before) const;
    Vocab str_to_int_;
    std::map<int64_t, std::string> int_to_str_;
};

class SimpleTokenizerV2 : public SimpleTokenizerV1 {
public:
    explicit SimpleTokenizerV2(Vocab vocab);  // must contain <|unk|>
    std::vector<int64_t> encode(const std::string& text) const;
    std::string decode(const std::vector<int64_t>& ids) const;
};

}  // namespace llm::ch02
