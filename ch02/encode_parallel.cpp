#include "encode_parallel.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <omp.h>
#include <sys/mman.h>

#include "error.hpp"
#include "utf8.hpp"

namespace llm::ch02 {

namespace {

bool visible_ascii(char c) { return c > ' ' && c < 0x7f; }

// Each part encoded on some thread and handed to consume(k, ids) there.
using Encoder = std::function<void(std::string_view, std::vector<int64_t>&)>;

void encode_parts(std::string_view text, const std::vector<size_t>& bounds, const Encoder& encode,
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
            thread_local std::vector<int64_t> ids;  // one buffer for every part of the thread
            ids.clear();
            encode(part, ids);
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

Encoder encoder(const GPT2Tokenizer& tokenizer, const std::set<std::string>* allowed_special) {
    if (!allowed_special)
        return [&](std::string_view part, std::vector<int64_t>& out) {
            tokenizer.encode_ordinary_into(part, out);
        };
    return [&tokenizer, allowed_special](std::string_view part, std::vector<int64_t>& out) {
        tokenizer.encode_into(part, *allowed_special, out);
    };
}

// v.reserve(n), with the kernel asked to back whole 2 MB stretches of it by
// 2 MB pages (a hint only: THP in "madvise" mode). Filling 32 MB of fresh
// 4 KB pages takes 8,000 page faults, each several microseconds under a
// hypervisor; in 2 MB pages, 16.
void reserve_in_huge_pages(std::vector<int64_t>& v, size_t n) {
    v.reserve(n);
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    const auto lo = (reinterpret_cast<uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
    const auto hi = reinterpret_cast<uintptr_t>(v.data() + n) & ~(kHuge - 1);
    if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
}

// The parts' ids joined in order. Each thread appends its parts' ids to
// blocks of its own (8 MB each, in 2 MB pages; nothing is allocated and
// freed per part), then the parts are copied
// into place in parallel.
std::vector<int64_t> encode_joined(const GPT2Tokenizer& tokenizer, std::string_view text,
                                   size_t part_bytes,
                                   const std::set<std::string>* allowed_special) {
    const std::vector<size_t> bounds = part_bounds(text, part_bytes);
    const auto encode = encoder(tokenizer, allowed_special);
    std::vector<int64_t> out;
    if (bounds.size() == 2) {
        out.reserve(text.size() / 3);
        encode(text, out);
        return out;
    }
    constexpr size_t kBlock = size_t{1} << 20;  // ids
    std::vector<std::vector<std::vector<int64_t>>> blocks(
        static_cast<size_t>(omp_get_max_threads()));
    std::vector<const int64_t*> from(bounds.size() - 1);  // where part k's ids wait
    std::vector<size_t> count(bounds.size() - 1);
    encode_parts(
        text, bounds, encode,
        [&](size_t k, std::vector<int64_t>& ids) {
            auto& mine = blocks[static_cast<size_t>(omp_get_thread_num())];
            if (mine.empty() || mine.back().capacity() - mine.back().size() < ids.size()) {
                mine.emplace_back();
                reserve_in_huge_pages(mine.back(), std::max(kBlock, ids.size()));
            }
            auto& block = mine.back();  // never reallocated: it has room
            from[k] = block.data() + block.size();
            count[k] = ids.size();
            block.insert(block.end(), ids.begin(), ids.end());
        },
        "text");
    std::vector<size_t> at(count.size() + 1, 0);
    for (size_t k = 0; k < count.size(); ++k) at[k + 1] = at[k] + count[k];
    reserve_in_huge_pages(out, at.back());
    out.resize(at.back());
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t k = 0; k < static_cast<int64_t>(count.size()); ++k)
        std::copy_n(from[size_t(k)], count[size_t(k)],
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
