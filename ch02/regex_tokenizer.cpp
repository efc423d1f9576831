#include "regex_tokenizer.hpp"

#include "utf8.hpp"

namespace llm::ch02 {

namespace {
// Python's \s on str: Unicode whitespace plus the ASCII separators 0x1C-0x1F.
bool python_space(char32_t c) { return is_white_space(c) || (c >= 0x1C && c <= 0x1F); }
bool book_punct(char32_t c) {
    switch (c) {
        case ',': case '.': case ':': case ';': case '?': case '_': case '!': case '"': case '(': case ')': case '\'':
            return true;
        default: return false;
    }
}
}  // namespace

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
        if (book_punct(c)) {             // a captured delimiter: kept as a token
            flush();
            tokens.emplace_back(1, static_cast<char>(c));
        } else if (c == '-' && i + 1 < cps.size() && cps[i + 1] == '-') {
            flush();
            tokens.emplace_back("--");
            ++i;
        } else if (python_space(c)) {    // captured too, but strip() makes it empty: dropped
            flush();
        } else {
            append_utf8(piece, c);
        }
    }
    flush();
    return tokens;
}

}  // namespace llm::ch02
