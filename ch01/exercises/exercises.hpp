// Chapter 1 exercises: implement these in your copy of solution.cpp
// (./book exercise ch01 creates ch01/exercises/mine/solution.cpp).
#pragma once
#include <string>
#include <vector>

namespace llm::ch01::exercises {

// Exercise 1.1: a longer context. Return the word that most often follows
// the two words w1 w2 in `words` (ties: the alphabetically first), or ""
// when w1 w2 never occurs followed by a word.
std::string trigram_next(const std::vector<std::string>& words, const std::string& w1,
                         const std::string& w2);

}  // namespace llm::ch01::exercises
