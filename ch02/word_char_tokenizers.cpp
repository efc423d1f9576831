#include "word_char_tokenizers.hpp"

#include <set>

#include "regex_tokenizer.hpp"
#include "utf8.hpp"

namespace llm::ch02 {

namespace {
std::vector<std::string> lower_words(std::string_view text) {
    std::vector<std::string> words = split_book_regex(text);
    for (auto& w : words)
        for (auto& c : w)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return words;
}
}  // namespace

WordTokenizer::WordTokenizer(std::string_view training_text) {
    vocab_["[PAD]"] = pad_id;
    vocab_["[UNK]"] = unk_id;
    const auto words = lower_words(training_text);
    int64_t next = 2;
    for (const auto& w : std::set<std::string>(words.begin(), words.end()))
        if (!vocab_.count(w)) vocab_[w] = next++;
}

std::vector<int64_t> WordTokenizer::encode(std::string_view text) const {
    std::vector<int64_t> ids;
    for (const auto& w : lower_words(text)) {
        auto it = vocab_.find(w);
        ids.push_back(it == vocab_.end() ? unk_id : it->second);
    }
    return ids;
}

std::vector<std::string> WordTokenizer::tokenize(std::string_view text) const {
    std::vector<std::string> out;
    for (const auto& w : lower_words(text)) out.push_back(vocab_.count(w) ? w : "[UNK]");
    return out;
}

CharTokenizer::CharTokenizer(std::string_view training_text) {
    int64_t next = 2;
    for (char32_t c : decode_utf8(training_text))
        if (!vocab_.count(c)) vocab_[c] = next++;
}

std::vector<int64_t> CharTokenizer::encode(std::string_view text) const {
    std::vector<int64_t> ids;
    for (char32_t c : decode_utf8(text)) {
        auto it = vocab_.find(c);
        ids.push_back(it == vocab_.end() ? unk_id : it->second);
    }
    return ids;
}

std::vector<std::string> CharTokenizer::tokenize(std::string_view text) const {
    std::vector<std::string> out;
    for (char32_t c : decode_utf8(text)) {
        std::string s;
        append_utf8(s, c);
        out.push_back(vocab_.count(c) ? s : "[UNK]");
    }
    return out;
}

}  // namespace llm::ch02
