#include "simple_tokenizer.hpp"

#include <algorithm>
#include <set>

#include "error.hpp"
#include "regex_tokenizer.hpp"

namespace llm::ch02 {

Vocab build_vocab(const std::vector<std::string>& tokens,
                  const std::vector<std::string>& specials) {
    const std::set<std::string> unique(
        tokens.begin(), tokens.end());  // byte order = code point order, as Python's sorted()
    Vocab vocab;
    int64_t id = 0;
    for (const auto& t : unique) vocab[t] = id++;
    for (const auto& s : specials)
        if (!vocab.count(s)) vocab[s] = id++;
    return vocab;
}

SimpleTokenizerV1::SimpleTokenizerV1(Vocab vocab) : str_to_int_(std::move(vocab)) {
    for (const auto& [s, i] : str_to_int_) int_to_str_[i] = s;
}

std::vector<int64_t> SimpleTokenizerV1::encode(const std::string& text) const {
    std::vector<int64_t> ids;
    for (const auto& t : split_book_regex(text)) {
        auto it = str_to_int_.find(t);
        if (it == str_to_int_.end())
            throw ValueError("SimpleTokenizerV1: the token '" + t +
                             "' is not in the vocabulary (use SimpleTokenizerV2)");
        ids.push_back(it->second);
    }
    return ids;
}

// ' '.join(tokens), then re.sub(r'\s+([<punct>])', r'\1', text)
std::string SimpleTokenizerV1::join_and_clean(const std::vector<int64_t>& ids,
                                              const std::string& punct) const {
    std::string text;
    for (size_t k = 0; k < ids.size(); ++k) {
        auto it = int_to_str_.find(ids[k]);
        if (it == int_to_str_.end())
            throw ValueError("decode: id " + std::to_string(ids[k]) + " is not in the vocabulary");
        if (k) text += ' ';
        text += it->second;
    }
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ') {
            size_t j = i;
            while (j < text.size() && text[j] == ' ') ++j;
            if (j < text.size() && punct.find(text[j]) != std::string::npos) {
                i = j - 1;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::string SimpleTokenizerV1::decode(const std::vector<int64_t>& ids) const {
    return join_and_clean(ids, ",.?!\"()'");
}

SimpleTokenizerV2::SimpleTokenizerV2(Vocab vocab) : SimpleTokenizerV1(std::move(vocab)) {
    if (!str_to_int_.count("<|unk|>"))
        throw ValueError("SimpleTokenizerV2: the vocabulary has no <|unk|> token");
}

std::vector<int64_t> SimpleTokenizerV2::encode(const std::string& text) const {
    std::vector<int64_t> ids;
    const int64_t unk = str_to_int_.at("<|unk|>");
    for (const auto& t : split_book_regex(text)) {
        auto it = str_to_int_.find(t);
        ids.push_back(it == str_to_int_.end() ? unk : it->second);
    }
    return ids;
}

std::string SimpleTokenizerV2::decode(const std::vector<int64_t>& ids) const {
    return join_and_clean(ids, ",.:;?!\"()'");
}

}  // namespace llm::ch02
