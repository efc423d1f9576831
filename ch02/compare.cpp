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

    Tokenization& w = out[2];
    w.name = "word-level";
    w.vocab_size = t.words.vocab_size();
    w.ids = t.words.encode(text);
    w.pieces = t.words.tokenize(text);
    w.unknown = count(w.ids, WordTokenizer::unk_id);

    Tokenization& c = out[3];
    c.name = "character-level";
    c.vocab_size = t.chars.vocab_size();
    c.ids = t.chars.encode(text);
    c.pieces = t.chars.tokenize(text);
    c.unknown = count(c.ids, CharTokenizer::unk_id);
    return out;
}

}  // namespace llm::ch02
