#include "encoder_json.hpp"

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "utf8.hpp"

namespace llm::ch02 {

namespace {
// encoder.json's entries in file order, read through nlohmann's SAX
// interface: no document tree of 50,257 nodes is built (half the load's time).
struct SaxEntries : nlohmann::json_sax<nlohmann::json> {
    EncoderEntries entries;
    std::string where, key_, error;
    int depth = 0;

    bool fail(const std::string& what) {
        if (error.empty()) error = what;
        return false;
    }
    bool value(int64_t id) {
        if (depth != 1) return fail(where + ": expected a JSON object mapping tokens to ids");
        entries.emplace_back(std::move(key_), id);
        return true;
    }
    bool not_id(const std::string& v) {
        if (depth != 1) return fail(where + ": expected a JSON object mapping tokens to ids");
        return fail(where + ": token '" + key_ + "' maps to " + v + ", not an integer id");
    }
    bool null() override { return not_id("null"); }
    bool boolean(bool b) override { return not_id(b ? "true" : "false"); }
    bool number_integer(number_integer_t v) override { return value(v); }
    bool number_unsigned(number_unsigned_t v) override {
        return v > uint64_t(INT64_MAX) ? not_id(std::to_string(v)) : value(int64_t(v));
    }
    bool number_float(number_float_t, const string_t& text) override { return not_id(text); }
    bool string(string_t& v) override { return not_id(nlohmann::json(v).dump()); }
    bool binary(binary_t&) override { return not_id("binary data"); }
    bool start_object(std::size_t) override {
        if (depth == 1) return not_id("an object");
        ++depth;
        return true;
    }
    bool key(string_t& k) override {
        key_ = std::move(k);
        return true;
    }
    bool end_object() override {
        --depth;
        return true;
    }
    bool start_array(std::size_t) override { return not_id("an array"); }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        return fail(where + ": not valid JSON: " + e.what());
    }
};
}  // namespace

EncoderEntries read_encoder_json_sax(std::string_view json, const std::string& where) {
    SaxEntries sax;
    sax.where = where;
    if (!nlohmann::json::sax_parse(json, &sax) || !sax.error.empty())
        throw FormatError(sax.error.empty() ? where + ": not valid JSON" : sax.error);
    return std::move(sax.entries);
}

namespace {
bool hex4(std::string_view s, size_t& i, uint32_t& v) {
    if (i + 4 > s.size()) return false;
    v = 0;
    for (size_t k = 0; k < 4; ++k) {
        const char c = s[i++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= uint32_t(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= uint32_t(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= uint32_t(c - 'A' + 10);
        else
            return false;
    }
    return true;
}
}  // namespace

bool read_encoder_json_fast(std::string_view s, EncoderEntries& entries) {
    entries.clear();
    entries.reserve(s.size() / 16);
    size_t i = 0;
    const auto ws = [&] {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
    };
    const auto take = [&](char c) {
        ws();
        if (i >= s.size() || s[i] != c) return false;
        ++i;
        return true;
    };
    if (!take('{')) return false;
    ws();
    if (i < s.size() && s[i] == '}') return ++i, ws(), i == s.size();
    std::string key;
    while (true) {
        if (!take('"')) return false;
        key.clear();
        while (true) {  // the key: printable ASCII and escapes, nothing else
            if (i >= s.size()) return false;
            const auto c = static_cast<unsigned char>(s[i++]);
            if (c == '"') break;
            if (c < 0x20 || c >= 0x80) return false;
            if (c != '\\') {
                key += static_cast<char>(c);
                continue;
            }
            if (i >= s.size()) return false;
            const char e = s[i++];
            uint32_t cp = 0;
            switch (e) {
                case '"':
                case '\\':
                case '/': key += e; continue;
                case 'b': key += '\b'; continue;
                case 'f': key += '\f'; continue;
                case 'n': key += '\n'; continue;
                case 'r': key += '\r'; continue;
                case 't': key += '\t'; continue;
                case 'u': break;
                default: return false;
            }
            if (!hex4(s, i, cp)) return false;
            if (cp >= 0xD800 && cp < 0xE000) {  // a surrogate pair, or the slow reader's error
                uint32_t lo = 0;
                if (cp >= 0xDC00 || i + 2 > s.size() || s[i] != '\\' || s[i + 1] != 'u')
                    return false;
                i += 2;
                if (!hex4(s, i, lo) || lo < 0xDC00 || lo >= 0xE000) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            append_utf8(key, static_cast<char32_t>(cp));
        }
        if (!take(':')) return false;
        ws();
        // a plain non-negative integer: no sign, fraction, exponent or leading zero
        const size_t first = i;
        uint64_t id = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - first < 18)
            id = id * 10 + uint64_t(s[i++] - '0');
        if (i == first || (s[first] == '0' && i - first > 1)) return false;
        if (i < s.size() &&
            (s[i] == '.' || s[i] == 'e' || s[i] == 'E' || (s[i] >= '0' && s[i] <= '9')))
            return false;
        entries.emplace_back(key, static_cast<int64_t>(id));
        ws();
        if (i >= s.size()) return false;
        if (s[i] == ',') {
            ++i;
            continue;
        }
        if (s[i] != '}') return false;
        ++i;
        ws();
        return i == s.size();
    }
}

EncoderEntries read_encoder_json(std::string_view json, const std::string& where) {
    EncoderEntries entries;
    if (!read_encoder_json_fast(json, entries)) entries = read_encoder_json_sax(json, where);
    if (entries.empty())
        throw FormatError(where + ": expected a JSON object mapping tokens to ids");
    return entries;
}

}  // namespace llm::ch02
