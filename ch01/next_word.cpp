#include "next_word.hpp"

#include <algorithm>

#include "error.hpp"
#include "random.hpp"

namespace llm::ch01 {

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : text) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letter)
            cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        else if (!cur.empty())
            words.push_back(std::move(cur)), cur.clear();
    }
    if (!cur.empty()) words.push_back(cur);
    return words;
}

std::vector<Pair> input_target_pairs(const std::vector<std::string>& words, size_t context,
                                     size_t stride) {
    if (context == 0 || stride == 0)
        throw ValueError("input_target_pairs: context and stride must be positive");
    std::vector<Pair> pairs;
    for (size_t i = 0; i + context < words.size(); i += stride)
        pairs.push_back(
            {{words.begin() + static_cast<long>(i), words.begin() + static_cast<long>(i + context)},
             {words.begin() + static_cast<long>(i + 1),
              words.begin() + static_cast<long>(i + context + 1)}});
    return pairs;
}

BigramModel::BigramModel(const std::vector<std::string>& words) {
    if (words.size() < 2) throw ValueError("BigramModel: the text needs at least two words");
    for (size_t i = 0; i + 1 < words.size(); ++i) ++table_[words[i]][words[i + 1]];
}

int64_t BigramModel::count(const std::string& word, const std::string& next) const {
    auto it = table_.find(word);
    if (it == table_.end()) return 0;
    auto jt = it->second.find(next);
    return jt == it->second.end() ? 0 : jt->second;
}

std::vector<std::pair<std::string, int64_t>> BigramModel::followers(const std::string& word) const {
    std::vector<std::pair<std::string, int64_t>> out;
    if (auto it = table_.find(word); it != table_.end())
        out.assign(it->second.begin(), it->second.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return out;  // the map was alphabetical, and the sort is stable: ties stay alphabetical
}

std::string BigramModel::most_likely_next(const std::string& word) const {
    const auto f = followers(word);
    return f.empty() ? "" : f.front().first;
}

std::vector<std::string> BigramModel::generate_greedy(const std::string& start, size_t n) const {
    std::vector<std::string> out{start};
    while (out.size() <= n) {
        std::string next = most_likely_next(out.back());
        if (next.empty()) break;  // a word seen only at the very end
        out.push_back(std::move(next));
    }
    return out;
}

std::vector<std::string> BigramModel::generate_sampled(const std::string& start, size_t n,
                                                       Generator& gen) const {
    std::vector<std::string> out{start};
    while (out.size() <= n) {
        const auto f = followers(out.back());
        if (f.empty()) break;
        int64_t total = 0;
        for (const auto& [w, c] : f) total += c;
        // draw a position in [0, total) and walk the counts
        int64_t r = static_cast<int64_t>(gen.uniform_double(0.0, 1.0) * static_cast<double>(total));
        size_t k = 0;
        while (r >= f[k].second) r -= f[k++].second;
        out.push_back(f[k].first);
    }
    return out;
}

}  // namespace llm::ch01
