#include "wordpiece.hpp"

#include <cstdlib>
#include <sstream>
#include <utf8proc.h>

#include "error.hpp"
#include "paths.hpp"
#include "utf8.hpp"

namespace llm::ch02 {

namespace {

constexpr const char* kAddedTokens[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
constexpr size_t kMaxCharsPerWord = 100;

utf8proc_category_t category(char32_t c) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

bool is_control(char32_t c) {  // removed by clean-text (tab, newline, return count as whitespace)
    if (c == '\t' || c == '\n' || c == '\r') return false;
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
        cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CS;
}

bool is_chinese(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
        (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
        (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_bert_punctuation(char32_t c) {
    const bool ascii_punct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
        (c >= 123 && c <= 126);
    return ascii_punct || is_punctuation(c);
}

}  // namespace

BertWordPiece BertWordPiece::from_data_dir() {
    return from_file(data_dir() / "bert-base-uncased" / "vocab.txt");
}

BertWordPiece BertWordPiece::from_file(const std::filesystem::path& path) {
    return from_string(read_file(path), path.string());
}

BertWordPiece BertWordPiece::from_string(const std::string& text, const std::string& name) {
    BertWordPiece wp;
    std::istringstream in(text);
    std::string line;
    size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        check_utf8(line, name + ":" + std::to_string(line_no));
        if (!wp.ids_.emplace(line, static_cast<int64_t>(wp.tokens_.size())).second)
            throw FormatError(name + ":" + std::to_string(line_no) + ": token '" + line +
                              "' appears twice");
        wp.tokens_.push_back(line);
    }
    auto unk = wp.ids_.find("[UNK]");
    if (unk == wp.ids_.end())
        throw FormatError(name + ": no [UNK] token: not a BERT WordPiece vocabulary");
    wp.unk_ = unk->second;
    return wp;
}

const std::string& BertWordPiece::token(int64_t id) const {
    if (id < 0 || id >= vocab_size())
        throw ValueError("BertWordPiece: token id " + std::to_string(id) + " is out of range");
    return tokens_[static_cast<size_t>(id)];
}

std::string BertWordPiece::normalize(std::string_view text) {
    // 1. clean text: drop NUL, U+FFFD and control/format/private-use; any whitespace becomes ' '
    // 2. put spaces around CJK ideographs
    std::string cleaned;
    for (char32_t c : decode_utf8(text)) {
        if (c == 0 || c == 0xFFFD || is_control(c)) continue;
        if (c == '\t' || c == '\n' || c == '\r' || is_white_space(c))
            cleaned += ' ';
        else if (is_chinese(c)) {
            cleaned += ' ';
            append_utf8(cleaned, c);
            cleaned += ' ';
        } else
            append_utf8(cleaned, c);
    }
    // 3. strip accents: canonical decomposition (NFD), then drop nonspacing marks (Mn)
    utf8proc_uint8_t* nfd = nullptr;
    const auto n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(cleaned.data()),
                     static_cast<utf8proc_ssize_t>(cleaned.size()), &nfd,
                     static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STABLE));
    if (n < 0)
        throw FormatError(std::string("BertWordPiece: Unicode decomposition failed: ") +
                          utf8proc_errmsg(n));
    const std::string decomposed(reinterpret_cast<char*>(nfd), static_cast<size_t>(n));
    std::free(nfd);
    // 4. lower-case each code point on its own
    std::string out;
    for (char32_t c : decode_utf8(decomposed)) {
        if (category(c) == UTF8PROC_CATEGORY_MN) continue;
        append_utf8(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    }
    return out;
}

std::vector<std::string> BertWordPiece::pre_tokenize(const std::string& normalized) {
    std::vector<std::string> words;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) words.push_back(std::move(cur));
        cur.clear();
    };
    for (char32_t c : decode_utf8(normalized)) {
        if (is_white_space(c))
            flush();
        else if (is_bert_punctuation(c)) {
            flush();
            append_utf8(cur, c);
            flush();
        } else
            append_utf8(cur, c);
    }
    flush();
    return words;
}

void BertWordPiece::word_pieces(const std::string& word, std::vector<int64_t>& out) const {
    const auto cps = decode_utf8(word);
    if (cps.size() > kMaxCharsPerWord) {
        out.push_back(unk_);
        return;
    }
    std::vector<size_t> bounds;  // byte offset of each code point, and the end
    for (size_t i = 0, b = 0; i <= cps.size(); ++i) {
        bounds.push_back(b);
        if (i < cps.size()) b += cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4;
    }
    std::vector<int64_t> pieces;
    size_t start = 0;
    while (start < cps.size()) {
        int64_t found = -1;
        size_t end = cps.size();
        for (; end > start; --end) {  // longest match first
            std::string sub =
                (start ? "##" : "") + word.substr(bounds[start], bounds[end] - bounds[start]);
            if (auto it = ids_.find(sub); it != ids_.end()) {
                found = it->second;
                break;
            }
        }
        if (found < 0) {
            out.push_back(unk_);
            return;
        }  // one unknowable piece makes the whole word [UNK]
        pieces.push_back(found);
        start = end;
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
}

std::vector<int64_t> BertWordPiece::encode(std::string_view text) const {
    check_utf8(text);
    std::vector<int64_t> out;
    size_t start = 0;
    while (start <= text.size()) {
        // the earliest added token ([CLS], [SEP] ...) in the raw text, matched exactly
        size_t best = std::string_view::npos;
        std::string_view which;
        for (const char* t : kAddedTokens) {
            const size_t at = text.find(t, start);
            if (at < best && ids_.count(t)) {
                best = at;
                which = t;
            }
        }
        const std::string_view segment = text.substr(
            start, best == std::string_view::npos ? std::string_view::npos : best - start);
        for (const auto& w : pre_tokenize(normalize(segment))) word_pieces(w, out);
        if (best == std::string_view::npos) break;
        out.push_back(ids_.at(std::string(which)));
        start = best + which.size();
    }
    return out;
}

std::vector<std::string> BertWordPiece::tokenize(std::string_view text) const {
    std::vector<std::string> out;
    for (int64_t id : encode(text)) out.push_back(tokens_[static_cast<size_t>(id)]);
    return out;
}

}  // namespace llm::ch02
