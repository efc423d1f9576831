// `ch02 compare` and the playground's tokens panel: one text split by the
// four tokenizers of this chapter, side by side. GPT-2's byte-level BPE never
// meets an unknown token; BERT's WordPiece, words and characters can.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gpt2_bpe.hpp"
#include "word_char_tokenizers.hpp"
#include "wordpiece.hpp"

namespace llm::ch02 {

struct Tokenization {
    std::string name;  // "GPT-2 BPE", "BERT WordPiece", "word-level", "character-level"
    int64_t vocab_size = 0;
    std::vector<std::string> pieces;  // what each token stands for (BPE: its decoded bytes)
    std::vector<int64_t> ids;
    int64_t unknown = 0;  // how many ids are the tokenizer's unknown token
};

// The word and character tokenizers learn their vocabularies from the-verdict.
struct ComparedTokenizers {
    const GPT2Tokenizer& gpt2;
    const BertWordPiece& bert;
    const WordTokenizer& words;
    const CharTokenizer& chars;
};

std::vector<Tokenization> compare_tokenizers(const std::string& text, const ComparedTokenizers& t);

}  // namespace llm::ch02
