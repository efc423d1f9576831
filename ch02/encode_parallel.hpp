// GPT-2 BPE on every core: a long text is cut into parts at places where
// encoding the parts one by one gives exactly the ids of the whole, the
// parts are encoded in parallel (OpenMP, the one thread pool), and their
// ids are joined in order. Used by `ch02 encode` and chapter 5's corpus
// pipeline.
#pragma once
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gpt2_bpe.hpp"

namespace llm::ch02 {

// Offsets (ascending, excluding 0 and text.size()) where text can be cut,
// about target_bytes apart. A cut lies just after a line break that has a
// visible ASCII character on both sides: GPT-2's pre-tokenizer then ends a
// piece there whatever follows (no piece crosses a line break between two
// non-space characters, and its pattern looks ahead at most into the
// whitespace run itself). Fewer cuts when the text has no such places.
std::vector<size_t> safe_cuts(std::string_view text, size_t target_bytes);

// 0, the safe cuts about part_bytes apart, text.size(): where the parts begin and end.
std::vector<size_t> part_bounds(std::string_view text, size_t part_bytes = size_t{1} << 20);
// Receives part k's ids, on the thread that encoded it (parts in any order;
// it may take the vector's contents).
using PartConsumer = std::function<void(size_t k, std::vector<int64_t>& ids)>;
// Each part between bounds encoded in parallel, without joining: with
// encode(part, *allowed_special), or encode_ordinary(part) when
// allowed_special is null. For a caller that turns each part's ids into
// something else (ch02 encode formats them as text on the same thread).
// Invalid UTF-8 is a FormatError naming `what` and the offset in the whole text.
void encode_parts(const GPT2Tokenizer& tokenizer, std::string_view text,
                  const std::vector<size_t>& bounds, const std::set<std::string>* allowed_special,
                  const PartConsumer& consume, const std::string& what = "text");

// encode_ordinary(text), computed part by part on every thread; the same ids.
// Invalid UTF-8 is reported with its offset in the whole text.
std::vector<int64_t> encode_ordinary_parallel(const GPT2Tokenizer& tokenizer, std::string_view text,
                                              size_t part_bytes = size_t{1} << 20);
// encode(text, allowed_special) the same way (no cut falls inside a special
// token: none contains a line break).
std::vector<int64_t> encode_parallel(const GPT2Tokenizer& tokenizer, std::string_view text,
                                     const std::set<std::string>& allowed_special,
                                     size_t part_bytes = size_t{1} << 20);

}  // namespace llm::ch02
