// UTF-8 decoding and the Unicode character classes the tokenizers need,
// on top of utf8proc's character database.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llm::ch02 {

// Code points of valid UTF-8 text; FormatError naming the byte offset of
// the first invalid sequence otherwise (`what` names the input in the message).
std::vector<char32_t> decode_utf8(std::string_view text, const std::string& what = "text");
// The same into `out` (cleared first; its memory is reused).
void decode_utf8_into(std::string_view text, std::vector<char32_t>& out,
                      const std::string& what = "text");
// Throws like decode_utf8 when text is not valid UTF-8.
void check_utf8(std::string_view text, const std::string& what = "text");
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(const std::vector<char32_t>& cps);
// Bytes to text as Python's bytes.decode("utf-8", errors="replace"): each
// maximal invalid subsequence becomes U+FFFD.
std::string decode_utf8_replace(std::string_view bytes);

// Unicode White_Space (what Rust's regex and char::is_whitespace use).
bool is_white_space(char32_t cp);
bool is_letter(char32_t cp);  // \p{L}
bool is_number(char32_t cp);  // \p{N}
bool is_punctuation(char32_t cp);  // \p{P}

}  // namespace llm::ch02
