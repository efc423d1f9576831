// Section 2.2: splitting text into word and punctuation tokens with the
// book's pattern re.split(r'([,.:;?_!"()\']|--|\s)', text), keeping the
// non-empty pieces. Written out by hand over UTF-8 instead of a regex.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace llm::ch02 {

std::vector<std::string> split_book_regex(std::string_view text);

}  // namespace llm::ch02
