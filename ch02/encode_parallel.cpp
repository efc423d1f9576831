#include "encode_parallel.hpp"

#include <algorithm>
#include <exception>
#include <functional>

#include "error.hpp"
#include "utf8.hpp"

namespace llm::ch02 {

namespace {

bool visible_ascii(char c) { return c > ' ' && c < 0x7f; }

// Each part encoded on some thread and handed to consume(k, ids) there.
void encode_parts(std::string_view text, const std::vector<size_t>& bounds,
                  const std::function<std::vector<int64_t>(std::string_view)>& encode,
                  const PartConsumer& consume, const std::string& what) {
    const auto parts = static_cast<int64_t>(bounds.size()) - 1;
    // Errors are caught per part and the first rethrown; invalid UTF-8 (the
    // FormatError encoding raises) is reported with its offset in the whole
    // text, not in a part.
    std::vector<std::exception_ptr> errors(static_cast<size_t>(std::max<int64_t>(parts, 0)));
    bool bad_utf8 = false;
#pragma omp parallel for schedule(dynamic, 1) reduction(|| : bad_utf8)
    for (int64_t i = 0; i < parts; ++i) {
        const auto k = static_cast<size_t>(i);
        const std::string_view part = text.substr(bounds[k], bounds[k + 1] - bounds[k]);
        try {
            std::vector<int64_t> ids = encode(part);
            consume(k, ids);
        } catch (const FormatError&) {
            bad_utf8 = true;
            errors[k] = std::current_exception();
        } catch (...) { errors[k] = std::current_exception(); }
    }
    if (bad_utf8) check_utf8(text, what);  // throws, naming the offset in the whole text
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

std::function<std::vector<int64_t>(std::string_view)> encoder(
    const GPT2Tokenizer& tokenizer, const std::set<std::string>* allowed_special) {
    if (!allowed_special)
        return [&](std::string_view part) { return tokenizer.encode_ordinary(part); };
    return [&tokenizer, allowed_special](std::string_view part) {
        return tokenizer.encode(part, *allowed_special);
    };
}

// The parts' ids joined in order (copied into place in parallel).
std::vector<int64_t> encode_joined(const GPT2Tokenizer& tokenizer, std::string_view text,
                                   size_t part_bytes, const std::set<std::string>* allowed_special) {
    const std::vector<size_t> bounds = part_bounds(text, part_bytes);
    const auto encode = encoder(tokenizer, allowed_special);
    if (bounds.size() == 2) return encode(text);
    std::vector<std::vector<int64_t>> ids(bounds.size() - 1);
    encode_parts(
        text, bounds, encode, [&](size_t k, std::vector<int64_t>& part) { ids[k].swap(part); },
        "text");
    std::vector<size_t> at(ids.size() + 1, 0);
    for (size_t k = 0; k < ids.size(); ++k) at[k + 1] = at[k] + ids[k].size();
    std::vector<int64_t> out(at.back());
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t k = 0; k < static_cast<int64_t>(ids.size()); ++k)
        std::copy(ids[size_t(k)].begin(), ids[size_t(k)].end(),
                  out.begin() + static_cast<long>(at[size_t(k)]));
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

std::vector<size_t> part_bounds(std::string_view text, size_t part_bytes) {
    std::vector<size_t> bounds{0};
    for (size_t c : safe_cuts(text, part_bytes)) bounds.push_back(c);
    bounds.push_back(text.size());
    return bounds;
}

void encode_parts(const GPT2Tokenizer& tokenizer, std::string_view text,
                  const std::vector<size_t>& bounds, const std::set<std::string>* allowed_special,
                  const PartConsumer& consume, const std::string& what) {
    encode_parts(text, bounds, encoder(tokenizer, allowed_special), consume, what);
}

std::vector<int64_t> encode_ordinary_parallel(const GPT2Tokenizer& tokenizer, std::string_view text,
                                              size_t part_bytes) {
    return encode_joined(tokenizer, text, part_bytes, nullptr);
}

std::vector<int64_t> encode_parallel(const GPT2Tokenizer& tokenizer, std::string_view text,
                                     const std::set<std::string>& allowed_special,
                                     size_t part_bytes) {
    return encode_joined(tokenizer, text, part_bytes, &allowed_special);
}

}  // namespace llm::ch02
