#include "regex_tokenizer.hpp"

#include "utf8.hpp"

namespace llm::ch02 {

namespace {
// Python's \s on str: Unicode whitespace plus the ASCII separators 0x1C-0x1F.
bool python_space(char32_t c) { return is_white_space(c) || (c >= 0x1C && c <= 0x1F); }
bool book_punct(char32_t c) {
    switch (c) {
        case ',':
        case '.':
        case ':':
        case ';':
        case '?':
        case '_':
        case '!':
        case '"':
        case '(':
        case ')':
        case '\'': return true;
        default: return false;
    }
}
// re.split with one capturing group of single characters: the pieces between
// separators (empty ones included) interleaved with the separators.
template <typename IsSeparator>
std::vector<std::string> split_keeping(std::string_view text, IsSeparator is_separator) {
    std::vector<std::string> out{""};
    for (const char32_t c : decode_utf8(text)) {
        if (is_separator(c)) {
            std::string sep;
            append_utf8(sep, c);
            out.push_back(std::move(sep));
            out.emplace_back();
        } else {
            append_utf8(out.back(), c);
        }
    }
    return out;
}
}  // namespace

std::vector<std::string> split_on_whitespace(std::string_view text) {
    return split_keeping(text, python_space);
}

std::vector<std::string> split_on_comma_period_whitespace(std::string_view text) {
    return split_keeping(text, [](char32_t c) { return c == ',' || c == '.' || python_space(c); });
}

std::vector<std::string> strip_empty(const std::vector<std::string>& pieces) {
    std::vector<std::string> out;
    for (const auto& p : pieces) {
        bool blank = true;
        for (const char32_t c : decode_utf8(p)) blank = blank && python_space(c);
        if (!blank) out.push_back(p);
    }
    return out;
}

std::vector<std::string> split_book_regex(std::string_view text) {
    const auto cps = decode_utf8(text);
    std::vector<std::string> tokens;
    std::string piece;
    auto flush = [&] {
        if (!piece.empty()) tokens.push_back(std::move(piece));
        piece.clear();
    };
    for (size_t i = 0; i < cps.size(); ++i) {
        const char32_t c = cps[i];
        if (book_punct(c)) {  // a captured delimiter: kept as a token
            flush();
            tokens.emplace_back(1, static_cast<char>(c));
        } else if (c == '-' && i + 1 < cps.size() && cps[i + 1] == '-') {
            flush();
            tokens.emplace_back("--");
            ++i;
        } else if (python_space(c)) {  // captured too, but strip() makes it empty: dropped
            flush();
        } else {
            append_utf8(piece, c);
        }
    }
    flush();
    return tokens;
}

}  // namespace llm::ch02
