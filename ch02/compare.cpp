#include "compare.hpp"

namespace llm::ch02 {

std::vector<Tokenization> compare_tokenizers(const std::string& text, const ComparedTokenizers& t) {
    auto count = [](const std::vector<int64_t>& ids, int64_t unk) {
        int64_t n = 0;
        for (auto i : ids) n += i == unk;
        return n;
    };
    std::vector<Tokenization> out(4);

    Tokenization& g = out[0];
    g.name = "GPT-2 BPE";
    g.vocab_size = t.gpt2.vocab_size();
    g.ids = t.gpt2.encode(text, {"<|endoftext|>"});
    for (auto id : g.ids) g.pieces.push_back(t.gpt2.decode({id}));

    Tokenization& b = out[1];
    b.name = "BERT WordPiece";
    b.vocab_size = t.bert.vocab_size();
    b.ids = t.bert.encode(text);
    for (auto id : b.ids) b.pieces.push_back(t.bert.token(id));
    b.unknown = count(b.ids, t.bert.unk_id());

    // the word and character tokenizers share their interface (unknown id 1)
    auto simple = [&](const char* name, const auto& tok) {
        Tokenization k;
        k.name = name;
        k.vocab_size = tok.vocab_size();
        k.ids = tok.encode(text);
        k.pieces = tok.tokenize(text);
        k.unknown = count(k.ids, tok.unk_id);
        return k;
    };
    out[2] = simple("word-level", t.words);
    out[3] = simple("character-level", t.chars);
    return out;
}

}  // namespace llm::ch02
