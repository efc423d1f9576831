#include "encode_parallel.hpp"

#include <exception>
#include <functional>

#include "utf8.hpp"

namespace llm::ch02 {

namespace {

bool visible_ascii(char c) { return c > ' ' && c < 0x7f; }

// The text cut at safe places, each part encoded on some thread, the ids joined in order.
std::vector<int64_t> encode_in_parts(
    std::string_view text, size_t part_bytes,
    const std::function<std::vector<int64_t>(std::string_view)>& encode) {
    std::vector<size_t> bounds{0};
    for (size_t c : safe_cuts(text, part_bytes)) bounds.push_back(c);
    bounds.push_back(text.size());
    const auto parts = static_cast<int64_t>(bounds.size() - 1);
    if (parts == 1) return encode(text);
    check_utf8(text);  // offsets of invalid bytes in the whole text, not in a part
    std::vector<std::vector<int64_t>> ids(static_cast<size_t>(parts));
    // Errors are caught per part and the first rethrown.
    std::vector<std::exception_ptr> errors(static_cast<size_t>(parts));
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t i = 0; i < parts; ++i) {
        const auto k = static_cast<size_t>(i);
        try {
            ids[k] = encode(text.substr(bounds[k], bounds[k + 1] - bounds[k]));
        } catch (...) { errors[k] = std::current_exception(); }
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    size_t n = 0;
    for (const auto& v : ids) n += v.size();
    std::vector<int64_t> out;
    out.reserve(n);
    for (auto& v : ids) out.insert(out.end(), v.begin(), v.end());
    return out;
}

}  // namespace

std::vector<size_t> safe_cuts(std::string_view text, size_t target_bytes) {
    std::vector<size_t> cuts;
    size_t last = 0;
    for (size_t want = target_bytes; want < text.size(); want = last + target_bytes) {
        // the first line break at or after `want` with visible characters around it
        size_t p = text.find('\n', want);
        while (p != std::string_view::npos && p + 1 < text.size() &&
               !(p > last && visible_ascii(text[p - 1]) && visible_ascii(text[p + 1])))
            p = text.find('\n', p + 1);
        if (p == std::string_view::npos || p + 1 >= text.size()) break;
        last = p + 1;
        cuts.push_back(last);
    }
    return cuts;
}

std::vector<int64_t> encode_ordinary_parallel(const GPT2Tokenizer& tokenizer, std::string_view text,
                                              size_t part_bytes) {
    return encode_in_parts(text, part_bytes,
                           [&](std::string_view part) { return tokenizer.encode_ordinary(part); });
}

std::vector<int64_t> encode_parallel(const GPT2Tokenizer& tokenizer, std::string_view text,
                                     const std::set<std::string>& allowed_special,
                                     size_t part_bytes) {
    return encode_in_parts(text, part_bytes, [&](std::string_view part) {
        return tokenizer.encode(part, allowed_special);
    });
}

}  // namespace llm::ch02
