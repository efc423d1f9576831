// Section 2.2: splitting text into word and punctuation tokens with the
// book's pattern re.split(r'([,.:;?_!"()\']|--|\s)', text), keeping the
// non-empty pieces. Written out by hand over UTF-8 instead of a regex.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace llm::ch02 {

// The book's first steps towards it, as re.split returns them (the captured
// separators kept, and the empty strings between adjacent separators):
//   re.split(r'(\s)', text)        -> split_on_whitespace(text)
//   re.split(r'([,.]|\s)', text)   -> split_on_comma_period_whitespace(text)
//   [item for item in result if item.strip()]  -> strip_empty(result)
std::vector<std::string> split_on_whitespace(std::string_view text);
std::vector<std::string> split_on_comma_period_whitespace(std::string_view text);
std::vector<std::string> strip_empty(const std::vector<std::string>& pieces);

// The final pattern: re.split(r'([,.:;?_!"()\']|--|\s)', text) with the
// pieces that strip() to nothing dropped.
std::vector<std::string> split_book_regex(std::string_view text);

}  // namespace llm::ch02
