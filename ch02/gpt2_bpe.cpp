#include "gpt2_bpe.hpp"

#include <atomic>

#include <algorithm>
#include <array>

#include "error.hpp"
#include "paths.hpp"
#include "utf8.hpp"
#include "encoder_json.hpp"
#include "word_cache.hpp"

namespace llm::ch02 {

// ---- the byte <-> unicode table -------------------------------------------------

const std::vector<char32_t>& bytes_to_unicode() {
    static const std::vector<char32_t> table = [] {
        std::vector<char32_t> t(256);
        std::vector<bool> printable(256, false);
        for (int b = '!'; b <= '~'; ++b) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; ++b) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; ++b) printable[b] = true;
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) t[b] = printable[b] ? static_cast<char32_t>(b) : next++;
        return t;
    }();
    return table;
}

// ---- the pre-tokenizer --------------------------------------------------------------

namespace {

enum Class : uint8_t { Letter, Number, Space, Other };

Class classify(char32_t c) {
    if (c < 0x80) {
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return Letter;
        if (c >= '0' && c <= '9') return Number;
        if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return Space;
        return Other;
    }
    if (is_white_space(c)) return Space;
    if (is_letter(c)) return Letter;
    if (is_number(c)) return Number;
    return Other;
}

// Decoded text: code points with their byte offsets (one extra at the end).
struct Decoded {
    std::vector<char32_t> cp;
    std::vector<Class> cls;
    std::vector<uint32_t> off;
};

// Into d, whose buffers are reused: a thread that encodes part after part of
// a large text then touches no fresh memory (each fresh page is a fault).
void decode_for_pretokenizer(std::string_view text, Decoded& d) {
    decode_utf8_into(text, d.cp);
    d.cls.clear();
    d.off.clear();
    if (d.cls.capacity() < d.cp.size() + 1) {  // room to spare, as decode_utf8_into keeps
        d.cls.reserve(d.cp.capacity() + 1);
        d.off.reserve(d.cp.capacity() + 1);
    }
    uint32_t o = 0;
    for (char32_t c : d.cp) {
        d.cls.push_back(classify(c));
        d.off.push_back(o);
        o += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    d.off.push_back(o);
}

// End (code point index) of the piece that starts at i.
size_t piece_end(const Decoded& d, size_t i) {
    const size_t n = d.cp.size();
    const auto& cp = d.cp;
    const auto& cls = d.cls;
    // 's 't 're 've 'm 'll 'd (case-sensitive, as in tiktoken's gpt2 pattern)
    if (cp[i] == '\'' && i + 1 < n) {
        const char32_t a = cp[i + 1];
        if (a == 's' || a == 'd' || a == 'm' || a == 't') return i + 2;
        if (i + 2 < n) {
            const char32_t b = cp[i + 2];
            if ((a == 'l' && b == 'l') || (a == 'v' && b == 'e') || (a == 'r' && b == 'e'))
                return i + 3;
        }
    }
    // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': an optional space, then a run of one class
    size_t j = i;
    if (cp[i] == ' ' && i + 1 < n && cls[i + 1] != Space) j = i + 1;
    if (cls[j] != Space) {
        const Class k = cls[j];
        while (j < n && cls[j] == k) ++j;
        return j;
    }
    // '\s+(?!\S)' then '\s+': a whitespace run, leaving its last character to
    // start the next piece when a non-space follows
    size_t e = i;
    while (e < n && cls[e] == Space) ++e;
    if (e == n || e - i == 1) return e;
    return e - 1;
}

}  // namespace

namespace {
// The text is decoded a window at a time (kPretokenizeWindowBytes, ending before a
// UTF-8 lead byte), so the decoded buffers stay in the core's own cache
// whatever the size of the text (a part of 256 KB decoded whole is 1.5 MB of
// buffers, streamed out to memory and back). A piece is taken from a window
// only when the window holds three more code points after it (what the
// pattern looks ahead) or reaches the end of the text; otherwise the next
// window starts at that piece (twice as large when the piece began the window).

// The end of a window of about `want` bytes from `from`, before a byte that
// starts a UTF-8 sequence: moved back over up to three continuation bytes,
// or forward when that would empty the window. (Four continuation bytes in a
// row are invalid UTF-8, which the window's decoding then reports.)
size_t window_end(std::string_view text, size_t from, size_t want) {
    if (text.size() - from <= want) return text.size();
    auto continuation = [&](size_t i) {
        return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
    };
    size_t end = from + want;
    for (size_t back = end; back > from && end - back <= 3; --back)
        if (!continuation(back)) return back;
    for (int k = 0; k < 3 && end < text.size() && continuation(end); ++k) ++end;
    return end;
}

// f(piece) for each piece of text, in order.
template <typename F>
void for_each_piece(std::string_view text, F f, size_t window_bytes = kPretokenizeWindowBytes) {
    thread_local Decoded d;
    size_t want = window_bytes;
    for (size_t base = 0; base < text.size();) {
        const size_t end = window_end(text, base, want);
        try {
            decode_for_pretokenizer(text.substr(base, end - base), d);
        } catch (const FormatError&) {
            check_utf8(text);  // throws, naming the offset in the whole text
            throw;
        }
        const size_t n = d.cp.size();
        const bool last = end == text.size();
        size_t i = 0;
        for (size_t e; i < n && (e = piece_end(d, i), last || e + 3 <= n); i = e)
            f(text.substr(base + d.off[i], d.off[e] - d.off[i]));
        if (last && i == n) return;
        want = i == 0 ? want * 2 : window_bytes;  // a piece longer than the window
        base += d.off[i];
    }
}
}  // namespace

std::vector<std::string_view> gpt2_pretokenize(std::string_view text, size_t window_bytes) {
    if (window_bytes == 0) throw std::invalid_argument("gpt2_pretokenize: a window of 0 bytes");
    std::vector<std::string_view> pieces;
    for_each_piece(
        text, [&](std::string_view piece) { pieces.push_back(piece); }, window_bytes);
    return pieces;
}

// ---- pair table and cache -----------------------------------------------------------------

// The vocabulary as an open-addressing hash table from bytes to token id
// (the merge step's only lookup, with no allocation): a flat array of 1 MB,
// where a lookup costs one cache miss and a node-based map three. Then the
// word cache.
struct GPT2Tokenizer::Impl {
    // bytes -> id: a slot holds (the hash's high half << 32 | id + 1), 0 when
    // empty; the bytes of token id are pool[start[id], start[id + 1]).
    std::vector<uint64_t> token_slots;
    uint64_t token_mask = 0;
    std::string pool;
    std::vector<uint32_t> start{0};

    int32_t byte_id[256] = {};
    WordCache words;

    static uint64_t hash_bytes(std::string_view s) { return std::hash<std::string_view>{}(s); }
    std::string_view bytes_of(size_t id) const {
        return std::string_view(pool).substr(start[id], start[id + 1] - start[id]);
    }
    // The id of the token made of these bytes, or -1.
    int32_t token(std::string_view bytes) const {
        const uint64_t h = hash_bytes(bytes), tag = h >> 32 << 32;
        for (uint64_t s = h & token_mask;; s = (s + 1) & token_mask) {
            const uint64_t slot = token_slots[s];
            if (slot == 0) return -1;
            const auto id = static_cast<uint32_t>(slot) - 1;
            if ((slot & ~0xFFFFFFFFull) == tag && bytes_of(id) == bytes)
                return static_cast<int32_t>(id);
        }
    }
    // Indexes every token that has bytes (the specials have none); -1, or
    // the id of a token whose bytes an earlier token has.
    int64_t index_tokens() {
        size_t cap = 1;
        while (cap < 2 * start.size()) cap <<= 1;
        token_slots.assign(cap, 0);
        token_mask = cap - 1;
        for (size_t id = 0; id + 1 < start.size(); ++id) {
            const std::string_view bytes = bytes_of(id);
            if (bytes.empty()) continue;
            if (token(bytes) >= 0) return static_cast<int64_t>(id);
            const uint64_t h = hash_bytes(bytes);
            uint64_t s = h & token_mask;
            while (token_slots[s] != 0) s = (s + 1) & token_mask;
            token_slots[s] = (h >> 32 << 32) | (id + 1);
        }
        return -1;
    }
};

GPT2Tokenizer::GPT2Tokenizer() : impl_(std::make_unique<Impl>()) {}
GPT2Tokenizer::~GPT2Tokenizer() = default;
GPT2Tokenizer::GPT2Tokenizer(GPT2Tokenizer&&) noexcept = default;
GPT2Tokenizer& GPT2Tokenizer::operator=(GPT2Tokenizer&&) noexcept = default;

// ---- loading ----------------------------------------------------------------------

std::string bytes_to_unicode_string(std::string_view bytes) {
    std::string out;
    for (unsigned char b : bytes) append_utf8(out, bytes_to_unicode()[b]);
    return out;
}

// A byte-level-unicode token string back to its raw bytes. The alphabet's
// code points are all below U+0144, so each is one or two UTF-8 bytes and an
// array inverts the table (the loader calls this 150,000 times).
bool unicode_to_bytes(std::string_view s, std::string& out) {
    static const std::array<int16_t, 0x144> inverse = [] {
        std::array<int16_t, 0x144> m;
        m.fill(-1);
        const auto& t = bytes_to_unicode();
        for (int b = 0; b < 256; ++b) m[t[static_cast<size_t>(b)]] = static_cast<int16_t>(b);
        return m;
    }();
    out.clear();
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        uint32_t cp = c;
        if (c >= 0x80) {  // a two-byte sequence (not overlong), or outside the alphabet
            if ((c & 0xE0) != 0xC0 || c < 0xC2 || i + 1 == s.size()) return false;
            const auto d = static_cast<unsigned char>(s[++i]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (uint32_t(c & 0x1F) << 6) | (d & 0x3F);
        }
        if (cp >= inverse.size() || inverse[cp] < 0) return false;
        out += static_cast<char>(inverse[cp]);
    }
    return true;
}

GPT2Tokenizer GPT2Tokenizer::from_data_dir() {
    return from_files(data_dir() / "gpt2" / "encoder.json", data_dir() / "gpt2" / "vocab.bpe");
}

GPT2Tokenizer GPT2Tokenizer::from_files(const std::filesystem::path& encoder_path,
                                        const std::filesystem::path& bpe_path) {
    // mapped, not copied; in this order, so the first missing file is named
    const MappedFile encoder(encoder_path);
    const MappedFile merges(bpe_path);
    return from_strings(encoder.bytes(), merges.bytes(), encoder_path.string(), bpe_path.string());
}

GPT2Tokenizer GPT2Tokenizer::from_strings(std::string_view encoder_json, std::string_view vocab_bpe,
                                          const std::string& where, const std::string& bpe_name) {
    GPT2Tokenizer tok;
    Impl& im = *tok.impl_;
    const EncoderEntries entries = read_encoder_json(encoder_json, where);
    const size_t n = entries.size();
    tok.vocab_size_ = static_cast<int64_t>(n);
    // Every token's bytes in one string (a special token has none there):
    // first in file order, then copied into id order. No string per token.
    std::string all;
    all.reserve(encoder_json.size() / 2);
    std::vector<std::pair<uint32_t, uint32_t>> where_in_all(n, {0, 0});
    std::vector<bool> seen(n, false);
    std::string bytes;
    for (const auto& [token, id] : entries) {
        if (id < 0 || id >= static_cast<int64_t>(n))
            throw FormatError(where + ": token '" + token + "' has id " + std::to_string(id) +
                              ", outside 0.." + std::to_string(n - 1));
        if (seen[static_cast<size_t>(id)])
            throw FormatError(where + ": two tokens map to id " + std::to_string(id) +
                              " (one of them is '" + token + "')");
        seen[static_cast<size_t>(id)] = true;
        if (token.size() > 2 && token.front() == '<' && token.back() == '>' &&
            token.find("<|") == 0) {
            if (!tok.specials_.emplace(token, id)
                     .second)  // <|endoftext|>: never produced by merges
                throw FormatError(where + ": the special token '" + token + "' appears twice");
            continue;
        }
        if (!unicode_to_bytes(token, bytes) || bytes.empty())
            throw FormatError(where + ": token '" + token + "' (id " + std::to_string(id) +
                              ") is not in GPT-2's byte-level alphabet");
        where_in_all[static_cast<size_t>(id)] = {static_cast<uint32_t>(all.size()),
                                                 static_cast<uint32_t>(bytes.size())};
        all += bytes;
    }
    im.pool.reserve(all.size());
    im.start.reserve(n + 1);
    for (size_t id = 0; id < n; ++id) {
        im.pool.append(all, where_in_all[id].first, where_in_all[id].second);
        im.start.push_back(static_cast<uint32_t>(im.pool.size()));
    }
    if (const int64_t twice = im.index_tokens(); twice >= 0)
        throw FormatError(where + ": two tokens stand for the same bytes (id " +
                          std::to_string(twice) + ")");
    for (int b = 0; b < 256; ++b) {
        im.byte_id[b] = im.token(std::string(1, static_cast<char>(b)));
        if (im.byte_id[b] < 0)
            throw FormatError(where + ": no token for the single byte " + std::to_string(b));
    }
    if (auto it = tok.specials_.find("<|endoftext|>"); it != tok.specials_.end())
        tok.eot_ = it->second;

    // vocab.bpe: "#version" header, then one merge "a b" per line, in rank order.
    const std::string_view bpe = vocab_bpe;
    std::string a, b, ab;
    size_t line_no = 0;
    for (size_t start = 0; start < bpe.size();) {
        size_t end = bpe.find('\n', start);
        if (end == std::string_view::npos) end = bpe.size();
        std::string_view line = bpe.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || (line_no == 1 && line.starts_with("#version"))) continue;
        const size_t sp = line.find(' ');
        if (sp == std::string::npos || sp == 0 || sp + 1 == line.size() ||
            line.find(' ', sp + 1) != std::string::npos)
            throw FormatError(bpe_name + ":" + std::to_string(line_no) +
                              ": expected two symbols separated by one space, got '" +
                              std::string(line) + "'");
        const bool known = unicode_to_bytes(line.substr(0, sp), a) &&
            unicode_to_bytes(line.substr(sp + 1), b) && im.token(a) >= 0 && im.token(b) >= 0 &&
            im.token(ab.assign(a).append(b)) >= 0;
        if (!known)
            throw FormatError(bpe_name + ":" + std::to_string(line_no) + ": merge '" +
                              std::string(line) + "' uses symbols that are not in " +
                              std::filesystem::path(where).filename().string());
        ++tok.merges_;
    }
    if (tok.merges_ == 0) throw FormatError(bpe_name + ": no merges found");

    return tok;
}

// ---- encoding ----------------------------------------------------------------------

void GPT2Tokenizer::encode_piece(std::string_view piece, std::vector<int64_t>& out) const {
    Impl& im = *impl_;
    // The word cache (word_cache.hpp): pieces already encoded, shared by
    // every thread that encodes with this tokenizer.
    const uint64_t hash = Impl::hash_bytes(piece);
    if (im.words.find(piece, hash, out)) return;
    thread_local std::vector<int32_t> parts;
    parts.clear();
    if (const int32_t whole = im.token(piece); whole >= 0) {
        parts.push_back(whole);  // the whole piece is a token
    } else {
        // tiktoken's byte-pair merge: the parts are slices of the piece, one
        // byte each to begin with; rank[i] is the token id of parts i and i + 1
        // joined (-1 when that is no token). Merge the pair of lowest rank,
        // leftmost on ties, until no pair is a token.
        thread_local std::vector<uint32_t> start;  // part i is piece[start[i], start[i + 1])
        thread_local std::vector<int32_t> rank;
        const auto n = static_cast<uint32_t>(piece.size());
        start.resize(n + 1);
        for (uint32_t i = 0; i <= n; ++i) start[i] = i;
        const auto joined = [&](size_t i) {  // rank of parts i and i + 1
            return i + 2 < start.size() ? im.token(piece.substr(start[i], start[i + 2] - start[i]))
                                        : -1;
        };
        rank.resize(n);
        for (size_t i = 0; i < n; ++i) rank[i] = joined(i);
        while (start.size() > 2) {
            size_t at = 0;
            int32_t best = -1;
            for (size_t i = 0; i + 2 < start.size(); ++i)
                if (rank[i] >= 0 && (best < 0 || rank[i] < best)) {
                    best = rank[i];
                    at = i;
                }
            if (best < 0) break;
            start.erase(start.begin() + static_cast<long>(at) + 1);  // parts at and at + 1 join
            rank.erase(rank.begin() + static_cast<long>(at) + 1);
            rank[at] = joined(at);
            if (at > 0) rank[at - 1] = joined(at - 1);
        }
        for (size_t i = 0; i + 1 < start.size(); ++i)
            parts.push_back(start[i + 1] - start[i] == 1
                                ? im.byte_id[static_cast<unsigned char>(piece[start[i]])]
                                : im.token(piece.substr(start[i], start[i + 1] - start[i])));
    }
    im.words.insert(piece, hash, parts);
    out.insert(out.end(), parts.begin(), parts.end());
}

void GPT2Tokenizer::encode_segment(std::string_view segment, std::vector<int64_t>& out) const {
    for_each_piece(segment, [&](std::string_view piece) { encode_piece(piece, out); });
}

std::vector<int64_t> GPT2Tokenizer::encode_ordinary(std::string_view text) const {
    std::vector<int64_t> out;
    out.reserve(text.size() / 3);
    encode_segment(text, out);
    return out;
}

void GPT2Tokenizer::encode_ordinary_into(std::string_view text, std::vector<int64_t>& out) const {
    const size_t before = out.size();
    try {
        encode_segment(text, out);
    } catch (...) {  // invalid UTF-8 found in a later window: nothing appended
        out.resize(before);
        throw;
    }
}

std::vector<int64_t> GPT2Tokenizer::encode(std::string_view text,
                                           const std::set<std::string>& allowed) const {
    std::vector<int64_t> out;
    out.reserve(text.size() / 3);
    encode_into(text, allowed, out);
    return out;
}

void GPT2Tokenizer::encode_into(std::string_view text, const std::set<std::string>& allowed,
                                std::vector<int64_t>& out) const {
    check_utf8(text);
    for (const auto& a : allowed)
        if (!specials_.count(a))
            throw ValueError("encode: '" + a + "' is not a special token of this tokenizer");
    for (const auto& [s, id] : specials_)
        if (!allowed.count(s))
            if (const size_t at = text.find(s); at != std::string_view::npos)
                throw ValueError(
                    "encode: the text contains the special token '" + s + "' at byte offset " +
                    std::to_string(at) +
                    ", which is not allowed; pass it in allowed_special to encode it as a special token, "
                    "or use encode_ordinary to encode it as plain text");
    size_t start = 0;
    while (true) {  // split at the earliest allowed special token
        size_t best = std::string_view::npos;
        const std::string* which = nullptr;
        for (const auto& s : allowed) {
            const size_t at = text.find(s, start);
            if (at < best) {
                best = at;
                which = &s;
            }
        }
        encode_segment(
            text.substr(start,
                        best == std::string_view::npos ? std::string_view::npos : best - start),
            out);
        if (!which) break;
        out.push_back(specials_.at(*which));
        start = best + which->size();
    }
}

// ---- decoding -----------------------------------------------------------------------

std::string_view GPT2Tokenizer::bytes_of(size_t id) const {
    const std::string_view b = impl_->bytes_of(id);
    if (!b.empty()) return b;
    for (const auto& [text, special] : specials_)  // a special token: its text
        if (static_cast<size_t>(special) == id) return text;
    return b;
}

std::string_view GPT2Tokenizer::token_bytes(int64_t id) const {
    if (id < 0 || id >= vocab_size())
        throw ValueError("decode: token id " + std::to_string(id) +
                         " is out of range (vocabulary of " + std::to_string(vocab_size()) + ")");
    return bytes_of(static_cast<size_t>(id));
}

std::string GPT2Tokenizer::decode_bytes(const std::vector<int64_t>& ids) const {
    std::string out;
    for (size_t k = 0; k < ids.size(); ++k) {
        if (ids[k] < 0 || ids[k] >= vocab_size())
            throw ValueError("decode: token id " + std::to_string(ids[k]) + " at position " +
                             std::to_string(k) + " is out of range (vocabulary of " +
                             std::to_string(vocab_size()) + ")");
        out += bytes_of(static_cast<size_t>(ids[k]));
    }
    return out;
}

std::string GPT2Tokenizer::decode(const std::vector<int64_t>& ids) const {
    return decode_utf8_replace(decode_bytes(ids));
}

}  // namespace llm::ch02
