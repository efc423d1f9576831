// Our solution to the chapter 1 exercises.
#include <map>

#include "exercises.hpp"

namespace llm::ch01::exercises {

std::string trigram_next(const std::vector<std::string>& words, const std::string& w1,
                         const std::string& w2) {
    std::map<std::string, int> counts;  // alphabetical, so the first maximum is the tie-break
    for (size_t i = 0; i + 2 < words.size(); ++i)
        if (words[i] == w1 && words[i + 1] == w2) ++counts[words[i + 2]];
    std::string best;
    int best_count = 0;
    for (const auto& [w, c] : counts)
        if (c > best_count) best = w, best_count = c;
    return best;
}

}  // namespace llm::ch01::exercises
