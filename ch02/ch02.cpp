// ch02: working with text data. With no arguments, the chapter's walkthrough;
// subcommands encode, decode, tokens, compare, train-bpe.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "blas.hpp"
#include "bpe_train.hpp"
#include "embeddings.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "regex_tokenizer.hpp"
#include "simple_tokenizer.hpp"
#include "utf8.hpp"
#include "word_char_tokenizers.hpp"
#include "wordpiece.hpp"

using namespace llm;
using namespace llm::ch02;

namespace {

std::string read_input(const std::string& file) {
    if (file == "-") {
        std::ostringstream s;
        s << std::cin.rdbuf();
        return s.str();
    }
    return read_file(file);
}

template <typename T>
std::string join(const std::vector<T>& v, const std::string& sep = ", ", size_t limit = 100000) {
    std::ostringstream s;
    for (size_t i = 0; i < v.size() && i < limit; ++i) s << (i ? sep : "") << v[i];
    if (v.size() > limit) s << sep << "...";
    return s.str();
}

std::string quoted(const std::vector<std::string>& v, size_t limit = 100000) {
    std::vector<std::string> q;
    for (const auto& s : v) q.push_back("'" + s + "'");
    return join(q, ", ", limit);
}

void walkthrough() {
    const std::string text = read_file(data_dir() / "the-verdict.txt");
    std::printf("== 2.2 Tokenizing text ==\nthe-verdict.txt: %zu characters\n", text.size());
    std::printf("split on the book's pattern ([,.:;?_!\"()']|--|\\s):\n  %s\n",
                quoted(split_book_regex("Hello, world. Is this-- a test?")).c_str());
    const auto tokens = split_book_regex(text);
    std::printf("the-verdict: %zu tokens: %s\n", tokens.size(), quoted(tokens, 12).c_str());

    std::printf("\n== 2.3 Token ids: SimpleTokenizerV1 ==\n");
    const Vocab vocab = build_vocab(tokens);
    std::printf("vocabulary size %zu; first entries:", vocab.size());
    int k = 0;
    for (const auto& [t, id] : vocab) { if (k++ == 6) break; std::printf(" ('%s', %lld)", t.c_str(), static_cast<long long>(id)); }
    const SimpleTokenizerV1 v1(vocab);
    const std::string s1 = "\"It's the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.";
    const auto ids1 = v1.encode(s1);
    std::printf("\nencode: %s\ndecode: %s\n", join(ids1).c_str(), v1.decode(ids1).c_str());
    try { v1.encode("Hello, do you like tea?"); } catch (const ValueError& e) { std::printf("unknown word: %s\n", e.what()); }

    std::printf("\n== 2.4 Special context tokens: SimpleTokenizerV2 ==\n");
    const SimpleTokenizerV2 v2(build_vocab(tokens, {"<|endoftext|>", "<|unk|>"}));
    const std::string s2 = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.";
    const auto ids2 = v2.encode(s2);
    std::printf("%s\nencode: %s\ndecode: %s\n", s2.c_str(), join(ids2).c_str(), v2.decode(ids2).c_str());

    std::printf("\n== 2.5 Byte pair encoding (GPT-2) ==\n");
    const auto& tok = gpt2_tokenizer();
    const std::string s3 = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace.";
    const auto ids3 = tok.encode(s3, {"<|endoftext|>"});
    std::printf("%s\nencode: %s\ndecode: %s\n", s3.c_str(), join(ids3).c_str(), tok.decode(ids3).c_str());
    const auto ids4 = tok.encode("Akwirw ier");
    std::vector<std::string> pieces;
    for (auto id : ids4) pieces.push_back(tok.token_bytes(id));
    std::printf("unknown words split into known pieces: 'Akwirw ier' -> %s = %s\n", join(ids4).c_str(), quoted(pieces).c_str());

    std::printf("\n== 2.6 Data sampling with a sliding window ==\n");
    const auto enc = tok.encode(text, {"<|endoftext|>"});
    std::printf("the-verdict: %zu BPE tokens\n", enc.size());
    const std::vector<int64_t> sample(enc.begin() + 50, enc.end());
    std::printf("x: %s\ny:      %s\n", join(std::vector<int64_t>(sample.begin(), sample.begin() + 4), "  ").c_str(),
                join(std::vector<int64_t>(sample.begin() + 1, sample.begin() + 5), "  ").c_str());
    for (int i = 1; i <= 4; ++i) {
        std::vector<int64_t> ctx(sample.begin(), sample.begin() + i);
        std::printf("%s ----> %s\n", tok.decode(ctx).c_str(), tok.decode({sample[static_cast<size_t>(i)]}).c_str());
    }
    auto loader = create_dataloader_v1(text, 1, 4, 1, false);
    const auto batches = loader.batches();
    std::cout << "batch 1, length 4, stride 1:\n  first " << batches[0].inputs << " -> " << batches[0].targets << "\n  second "
              << batches[1].inputs << " -> " << batches[1].targets << "\n";
    auto loader8 = create_dataloader_v1(text, 8, 4, 4, false);
    const auto b8 = loader8.batches()[0];
    std::cout << "batch 8, length 4, stride 4:\nInputs:\n" << b8.inputs << "\nTargets:\n" << b8.targets << "\n";

    std::printf("\n== 2.7 Token embeddings ==\n");
    manual_seed(123);
    Embedding small(6, 3);
    std::cout << "Embedding(6, 3) after manual_seed(123):\n" << small.weight << "\n";
    std::cout << "lookup of [2, 3, 5, 1]:\n" << small.forward(IntTensor({4}, {2, 3, 5, 1})) << "\n";

    std::printf("\n== 2.8 Encoding word positions ==\n");
    Embedding token_embedding(50257, 256), pos_embedding(4, 256);
    const Tensor tok_emb = token_embedding.forward(b8.inputs);
    const Tensor x = input_embeddings(token_embedding, pos_embedding, b8.inputs);
    std::printf("token embeddings %s, positional embeddings [4, 256], input embeddings %s\n", shape_str(tok_emb.shape()).c_str(),
                shape_str(x.shape()).c_str());
}

void print_ids(const std::vector<int64_t>& ids) {
    for (size_t i = 0; i < ids.size(); ++i) std::printf(i ? " %lld" : "%lld", static_cast<long long>(ids[i]));
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 2: working with text data (tokenizers, data loader, embeddings)"};
    app.require_subcommand(0, 1);

    std::string tokenizer = "gpt2", file;
    bool ordinary = false;
    auto* enc = app.add_subcommand("encode", "text file (or - for stdin) to token ids on stdout");
    enc->add_option("file", file, "input text, - for stdin")->required();
    enc->add_option("--tokenizer", tokenizer, "gpt2 or bert")->check(CLI::IsMember({"gpt2", "bert"}));
    enc->add_flag("--ordinary", ordinary, "GPT-2: encode <|endoftext|> as plain text (tiktoken's encode_ordinary)");

    auto* dec = app.add_subcommand("decode", "whitespace-separated ids (file or -) to text on stdout");
    dec->add_option("file", file, "ids, - for stdin")->required();
    dec->add_option("--tokenizer", tokenizer, "gpt2 or bert")->check(CLI::IsMember({"gpt2", "bert"}));

    std::string text;
    auto* tokens = app.add_subcommand("tokens", "each GPT-2 token of TEXT: its text, id and bytes");
    tokens->add_option("text", text, "the text")->required();

    auto* compare = app.add_subcommand("compare", "how GPT-2 BPE, BERT WordPiece, word and character tokenizers split TEXT");
    compare->add_option("text", text, "the text")->required();

    int64_t vocab_size = 1000;
    std::string out_dir = ".";
    auto* train = app.add_subcommand("train-bpe", "train a BPE tokenizer from scratch (the book's bonus)");
    train->add_option("file", file, "training text")->required();
    train->add_option("--vocab-size", vocab_size, "vocabulary size")->check(CLI::Range(257, 1000000));
    train->add_option("--out", out_dir, "folder for vocab.json and merges.txt")->check(CLI::ExistingDirectory);

    CLI11_PARSE(app, argc, argv);
    try {
        if (enc->parsed()) {
            const std::string input = read_input(file);
            check_utf8(input, file == "-" ? "standard input" : file);
            if (tokenizer == "bert") print_ids(BertWordPiece::from_data_dir().encode(input));
            else print_ids(ordinary ? gpt2_tokenizer().encode_ordinary(input) : gpt2_tokenizer().encode(input, {"<|endoftext|>"}));
        } else if (dec->parsed()) {
            std::istringstream in(read_input(file));
            std::vector<int64_t> ids;
            std::string word;
            while (in >> word) {
                char* end = nullptr;
                const long long v = std::strtoll(word.c_str(), &end, 10);
                if (*end) throw FormatError(file + ": '" + word + "' is not a token id");
                ids.push_back(v);
            }
            if (tokenizer == "bert") {
                const auto wp = BertWordPiece::from_data_dir();
                std::vector<std::string> t;
                for (auto id : ids) t.push_back(wp.token(id));
                std::printf("%s\n", join(t, " ").c_str());
            } else {
                const std::string bytes = gpt2_tokenizer().decode(ids);
                std::fwrite(bytes.data(), 1, bytes.size(), stdout);
            }
        } else if (tokens->parsed()) {
            const auto& tok = gpt2_tokenizer();
            std::printf("%-8s %-20s %s\n", "id", "text", "bytes");
            for (int64_t id : tok.encode(text, {"<|endoftext|>"})) {
                const std::string& b = tok.token_bytes(id);
                std::string hex;
                for (unsigned char c : b) { char h[4]; std::snprintf(h, sizeof h, "%02x ", c); hex += h; }
                std::printf("%-8lld %-20s %s\n", static_cast<long long>(id), ("'" + tok.decode({id}) + "'").c_str(), hex.c_str());
            }
        } else if (compare->parsed()) {
            const std::string verdict = read_file(data_dir() / "the-verdict.txt");
            const auto& gpt2 = gpt2_tokenizer();
            const auto g = gpt2.encode(text, {"<|endoftext|>"});
            std::vector<std::string> gp;
            for (auto id : g) gp.push_back(gpt2.decode({id}));
            const auto bert = BertWordPiece::from_data_dir();
            const auto b = bert.encode(text);
            std::vector<std::string> bp;
            int64_t bert_unk = 0;
            for (auto id : b) { bp.push_back(bert.token(id)); bert_unk += id == bert.unk_id(); }
            const WordTokenizer words(verdict);
            const CharTokenizer chars(verdict);
            auto count_unk = [](const std::vector<int64_t>& ids) { int64_t n = 0; for (auto i : ids) n += i == 1; return n; };
            const auto w = words.encode(text), c = chars.encode(text);
            std::printf("%s\n\n", text.c_str());
            std::printf("GPT-2 BPE (50257 tokens)       %3zu tokens, 0 unknown\n  %s\n  ids %s\n", g.size(), quoted(gp).c_str(), join(g, " ").c_str());
            std::printf("BERT WordPiece (30522 tokens)  %3zu tokens, %lld unknown\n  %s\n  ids %s\n", b.size(), static_cast<long long>(bert_unk), quoted(bp).c_str(), join(b, " ").c_str());
            std::printf("word-level (%lld words of the-verdict)  %3zu tokens, %lld unknown\n  %s\n  ids %s\n", static_cast<long long>(words.vocab_size()), w.size(),
                        static_cast<long long>(count_unk(w)), quoted(words.tokenize(text)).c_str(), join(w, " ").c_str());
            std::printf("character-level (%lld characters of the-verdict)  %3zu tokens, %lld unknown\n  %s\n  ids %s\n", static_cast<long long>(chars.vocab_size()), c.size(),
                        static_cast<long long>(count_unk(c)), quoted(chars.tokenize(text)).c_str(), join(c, " ").c_str());
        } else if (train->parsed()) {
            BPETokenizerSimple bpe;
            bpe.train(read_input(file), vocab_size);
            const std::filesystem::path dir = out_dir;
            bpe.save(dir / "vocab.json", dir / "merges.txt");
            std::printf("trained: vocabulary %lld, %zu merges; wrote %s and %s\n", static_cast<long long>(bpe.vocab_size()),
                        bpe.merges().size(), (dir / "vocab.json").c_str(), (dir / "merges.txt").c_str());
        } else {
            walkthrough();
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "ch02: error: %s\n", e.what());
        return 1;
    }
}
