#include "bpe_train.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "error.hpp"
#include "gpt2_bpe.hpp"
#include "paths.hpp"
#include "utf8.hpp"

namespace llm::ch02 {

namespace {
const std::string kSpace = "\xC4\xA0";  // "Ġ" (U+0120)
}

std::vector<int64_t> BPETokenizerSimple::symbols(const std::string& text) const {
    std::vector<int64_t> ids;
    const auto cps = decode_utf8(text);
    for (size_t i = 0; i < cps.size(); ++i) {
        std::string s;
        if (cps[i] == ' ') {
            if (i == 0) continue;  // the bonus code drops a leading space
            s = kSpace;
        } else
            append_utf8(s, cps[i]);
        auto it = inverse_.find(s);
        if (it == inverse_.end())
            throw ValueError("BPETokenizerSimple: character '" + s + "' is not in the vocabulary");
        ids.push_back(it->second);
    }
    return ids;
}

void BPETokenizerSimple::train(const std::string& text, int64_t vocab_size,
                               const std::set<std::string>& allowed_special) {
    if (text.empty()) throw ValueError("BPETokenizerSimple::train: the text is empty");
    vocab_.clear();
    inverse_.clear();
    merges_.clear();
    merge_rank_.clear();
    auto add = [&](const std::string& t) {
        if (inverse_.emplace(t, static_cast<int64_t>(vocab_.size())).second) vocab_.push_back(t);
    };
    for (char32_t c = 0; c < 256; ++c) {
        std::string s;
        append_utf8(s, c);
        add(s);
    }
    std::set<std::string>
        chars;  // the text's other characters, sorted by code point (UTF-8 byte order)
    for (char32_t c : decode_utf8(text)) {
        std::string s;
        if (c == ' ')
            s = kSpace;
        else
            append_utf8(s, c);
        chars.insert(s);
    }
    for (const auto& s : chars) add(s);
    add(kSpace);
    for (const auto& s : allowed_special) add(s);

    std::vector<int64_t> ids = symbols(text);
    const int64_t first_new = static_cast<int64_t>(vocab_.size());
    for (int64_t new_id = first_new; new_id < vocab_size; ++new_id) {
        // count pairs, remembering where each first occurs
        std::unordered_map<uint64_t, std::pair<int64_t, size_t>>
            counts;  // pair -> (count, first index)
        for (size_t i = 0; i + 1 < ids.size(); ++i) {
            const uint64_t key =
                static_cast<uint64_t>(ids[i]) << 32 | static_cast<uint64_t>(ids[i + 1]);
            auto [it, fresh] = counts.try_emplace(key, 0, i);
            ++it->second.first;
        }
        if (counts.empty()) break;
        uint64_t best = 0;
        std::pair<int64_t, size_t> best_v{-1, 0};
        for (const auto& [k, v] : counts)
            if (v.first > best_v.first || (v.first == best_v.first && v.second < best_v.second)) {
                best = k;
                best_v = v;
            }
        const int64_t a = static_cast<int64_t>(best >> 32),
                      b = static_cast<int64_t>(best & 0xffffffffu);
        // replace left to right, without overlaps
        std::vector<int64_t> next;
        next.reserve(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
            if (i + 1 < ids.size() && ids[i] == a && ids[i + 1] == b) {
                next.push_back(new_id);
                ++i;
            } else
                next.push_back(ids[i]);
        }
        ids.swap(next);
        merge_rank_[{a, b}] = static_cast<int64_t>(merges_.size());
        merges_.emplace_back(a, b);
        vocab_.push_back(vocab_[static_cast<size_t>(a)] + vocab_[static_cast<size_t>(b)]);
        inverse_.emplace(vocab_.back(), new_id);
    }
}

std::vector<int64_t> BPETokenizerSimple::encode(const std::string& text) const {
    // words = text.split() (Python's whitespace), "Ġ" before every word after the first
    std::vector<std::string> words;
    std::string cur;
    for (char32_t c : decode_utf8(text)) {
        if (is_white_space(c) || (c >= 0x1C && c <= 0x1F)) {
            if (!cur.empty()) words.push_back(std::move(cur));
            cur.clear();
        } else
            append_utf8(cur, c);
    }
    if (!cur.empty()) words.push_back(cur);
    std::vector<int64_t> ids;
    for (size_t w = 0; w < words.size(); ++w) {
        const std::string token = (w > 0 ? kSpace : "") + words[w];
        if (auto it = inverse_.find(token); it != inverse_.end()) {
            ids.push_back(it->second);
            continue;
        }
        std::vector<int64_t> parts;
        for (char32_t c : decode_utf8(token)) {
            std::string s;
            append_utf8(s, c);
            auto it = inverse_.find(s);
            if (it == inverse_.end())
                throw ValueError("BPETokenizerSimple: character '" + s +
                                 "' is not in the vocabulary");
            parts.push_back(it->second);
        }
        for (bool merged = true; merged && parts.size() > 1;) {  // passes until nothing merges
            merged = false;
            std::vector<int64_t> next;
            size_t i = 0;
            for (; i + 1 < parts.size(); ++i) {
                auto m = merge_rank_.find({parts[i], parts[i + 1]});
                if (m != merge_rank_.end()) {
                    next.push_back(static_cast<int64_t>(vocab_.size() - merges_.size()) +
                                   m->second);
                    ++i;
                    merged = true;
                } else
                    next.push_back(parts[i]);
            }
            if (i < parts.size()) next.push_back(parts[i]);
            parts.swap(next);
        }
        ids.insert(ids.end(), parts.begin(), parts.end());
    }
    return ids;
}

std::string BPETokenizerSimple::decode(const std::vector<int64_t>& ids) const {
    std::string s;
    for (int64_t id : ids) {
        if (id < 0 || id >= vocab_size())
            throw ValueError("BPETokenizerSimple::decode: id " + std::to_string(id) +
                             " out of range");
        s += vocab_[static_cast<size_t>(id)];
    }
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 2, kSpace) == 0) {
            out += ' ';
            ++i;
        } else
            out += s[i];
    }
    return out;
}

void BPETokenizerSimple::save(const std::filesystem::path& vocab_json,
                              const std::filesystem::path& merges_txt) const {
    nlohmann::json j = nlohmann::json::object();
    // Tokens are written in GPT-2's byte-level alphabet, so no token contains
    // whitespace and every file line splits cleanly.
    for (size_t i = 0; i < vocab_.size(); ++i) j[bytes_to_unicode_string(vocab_[i])] = i;
    write_file_atomic(vocab_json, j.dump(1));
    std::string m = "#version: 0.2\n";
    for (const auto& [a, b] : merges_)
        m += bytes_to_unicode_string(vocab_[static_cast<size_t>(a)]) + " " +
            bytes_to_unicode_string(vocab_[static_cast<size_t>(b)]) + "\n";
    write_file_atomic(merges_txt, m);
}

BPETokenizerSimple BPETokenizerSimple::load(const std::filesystem::path& vocab_json,
                                            const std::filesystem::path& merges_txt) {
    BPETokenizerSimple t;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(read_file(vocab_json));
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(vocab_json.string() + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw FormatError(vocab_json.string() + ": expected an object token -> id");
    t.vocab_.assign(j.size(), std::string());
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it->is_number_unsigned() || it->get<size_t>() >= j.size() ||
            !t.vocab_[it->get<size_t>()].empty())
            throw FormatError(vocab_json.string() + ": bad or repeated id for token '" + it.key() +
                              "'");
        std::string token;
        if (!unicode_to_bytes(it.key(), token))
            throw FormatError(vocab_json.string() + ": token '" + it.key() +
                              "' is not in GPT-2's byte-level alphabet");
        t.vocab_[it->get<size_t>()] = token;
        t.inverse_[it.key()] =
            it->get<int64_t>();  // keyed by the file's spelling, for the merges below
    }
    std::istringstream in(read_file(merges_txt));
    std::string line;
    size_t no = 0;
    while (std::getline(in, line)) {
        ++no;
        if (line.empty() || line.rfind("#version", 0) == 0) continue;
        const size_t sp = line.find(' ');
        auto a = sp == std::string::npos ? t.inverse_.end() : t.inverse_.find(line.substr(0, sp));
        auto b = sp == std::string::npos ? t.inverse_.end() : t.inverse_.find(line.substr(sp + 1));
        if (a == t.inverse_.end() || b == t.inverse_.end())
            throw FormatError(merges_txt.string() + ":" + std::to_string(no) + ": merge '" + line +
                              "' uses unknown symbols");
        t.merge_rank_[{a->second, b->second}] = static_cast<int64_t>(t.merges_.size());
        t.merges_.emplace_back(a->second, b->second);
    }
    t.inverse_.clear();
    for (size_t i = 0; i < t.vocab_.size(); ++i) t.inverse_[t.vocab_[i]] = static_cast<int64_t>(i);
    return t;
}

}  // namespace llm::ch02
