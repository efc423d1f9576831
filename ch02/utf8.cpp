#include "utf8.hpp"

#include <cstring>

#include <utf8proc.h>

#include "error.hpp"

namespace llm::ch02 {

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
// Also reports how many bytes form the maximal invalid subpart (>= 1).
size_t sequence_at(std::string_view s, size_t i, char32_t& cp, size_t& bad) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    bad = 1;
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else
        return 0;
    for (size_t k = 1; k < n; ++k) {
        if (i + k >= s.size()) return 0;
        const unsigned char d = b(i + k);
        if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return 0;
        cp = (cp << 6) | (d & 0x3F);
        bad = k + 1;
    }
    return n;
}
}  // namespace

std::vector<char32_t> decode_utf8(std::string_view s, const std::string& what) {
    std::vector<char32_t> out;
    decode_utf8_into(s, out, what);
    return out;
}

void decode_utf8_into(std::string_view s, std::vector<char32_t>& out, const std::string& what) {
    out.clear();
    // room to spare: a buffer reused for parts of slightly different sizes
    // then keeps its memory (each fresh page is a fault)
    if (out.capacity() < s.size()) out.reserve(s.size() + s.size() / 4);
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        size_t bad;
        const size_t n = sequence_at(s, i, cp, bad);
        if (!n) throw FormatError(what + ": invalid UTF-8 at byte offset " + std::to_string(i));
        out.push_back(cp);
        i += n;
    }
}

void check_utf8(std::string_view s, const std::string& what) {
    for (size_t i = 0; i < s.size();) {
        uint64_t eight;  // ASCII eight bytes at a time
        if (i + 8 <= s.size() &&
            (std::memcpy(&eight, s.data() + i, 8), (eight & 0x8080808080808080ull) == 0)) {
            i += 8;
            continue;
        }
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        char32_t cp;
        size_t bad;
        const size_t n = sequence_at(s, i, cp, bad);
        if (!n) throw FormatError(what + ": invalid UTF-8 at byte offset " + std::to_string(i));
        i += n;
    }
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80)
        out += static_cast<char>(cp);
    else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string encode_utf8(const std::vector<char32_t>& cps) {
    std::string s;
    for (char32_t c : cps) append_utf8(s, c);
    return s;
}

std::string decode_utf8_replace(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        size_t bad;
        const size_t n = sequence_at(s, i, cp, bad);
        if (n) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            i += bad;
        }
    }
    return out;
}

bool is_white_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
        (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
        c == 0x3000;
}

bool is_letter(char32_t c) {
    if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

bool is_number(char32_t c) {
    if (c < 0x80) return c >= '0' && c <= '9';
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO;
}

bool is_punctuation(char32_t c) {
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

}  // namespace llm::ch02
