// ch02: working with text data. With no arguments, the chapter's walkthrough;
// subcommands encode, decode, tokens, compare, train-bpe.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <exception>
#include <iostream>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <omp.h>
#include <set>
#include <stdexcept>
#include <thread>
#include <sstream>

#include "blas_startup.hpp"
#include "bpe_train.hpp"
#include "compare.hpp"
#include "embeddings.hpp"
#include "error.hpp"
#include "encode_parallel.hpp"
#include "gpt_dataset.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "regex_tokenizer.hpp"
#include "simple_tokenizer.hpp"
#include "utf8.hpp"
#include "walkthrough.hpp"
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
std::string join(const std::vector<T>& v, const std::string& sep = ", ") {
    std::ostringstream s;
    for (size_t i = 0; i < v.size(); ++i) s << (i ? sep : "") << v[i];
    return s.str();
}

std::string quoted(const std::vector<std::string>& v) {
    std::vector<std::string> q;
    for (const auto& s : v) q.push_back("'" + s + "'");
    return join(q, ", ");
}

// The walkthrough prints each step as the book's notebook prints it, so the
// two can be read side by side (ch02/book_output_test.cpp holds the book's
// lines and checks them against this program's output).
void walkthrough() {
    section("2.2 Tokenizing text");
    const std::string raw_text = read_file(data_dir() / "the-verdict.txt");
    const auto chars =
        decode_utf8(raw_text, "the-verdict.txt");  // Python counts characters, not bytes
    std::printf("Total number of character: %zu\n%s\n", chars.size(),
                encode_utf8({chars.begin(), chars.begin() + 99}).c_str());
    const std::string text = "Hello, world. This, is a test.";
    std::printf("%s\n", py_list(split_on_whitespace(text)).c_str());  // re.split(r'(\s)', text)
    const auto result = split_on_comma_period_whitespace(text);  // re.split(r'([,.]|\s)', text)
    std::printf("%s\n%s\n", py_list(result).c_str(), py_list(strip_empty(result)).c_str());
    std::printf("%s\n", py_list(split_book_regex("Hello, world. Is this-- a test?")).c_str());
    const auto preprocessed = split_book_regex(raw_text);
    std::printf(
        "%s\n%zu\n",
        py_list(std::vector<std::string>(preprocessed.begin(), preprocessed.begin() + 30)).c_str(),
        preprocessed.size());

    section("2.3 Converting tokens into token IDs");
    const Vocab vocab = build_vocab(preprocessed);
    std::printf("%zu\n", vocab.size());
    std::vector<std::pair<std::string, int64_t>> by_id(vocab.begin(), vocab.end());
    std::sort(by_id.begin(), by_id.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
    for (size_t i = 0; i <= 50; ++i)
        std::printf("(%s, %lld)\n", py_repr(by_id[i].first).c_str(),
                    static_cast<long long>(by_id[i].second));
    const SimpleTokenizerV1 v1(vocab);
    const std::string s1 =
        "\"It's the last he painted, you know,\" \n           Mrs. Gisburn said with pardonable pride.";
    const auto ids1 = v1.encode(s1);
    std::printf("%s\n%s\n%s\n", py_list(ids1).c_str(), py_repr(v1.decode(ids1)).c_str(),
                py_repr(v1.decode(v1.encode(s1))).c_str());
    try {
        v1.encode("Hello, do you like tea?");
    } catch (const ValueError& e) { std::printf("KeyError: %s\n", e.what()); }

    section("2.4 Adding special context tokens");
    const Vocab vocab2 = build_vocab(preprocessed, {"<|endoftext|>", "<|unk|>"});
    std::printf("%zu\n", vocab2.size());
    std::vector<std::pair<std::string, int64_t>> by_id2(vocab2.begin(), vocab2.end());
    std::sort(by_id2.begin(), by_id2.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
    for (size_t i = by_id2.size() - 5; i < by_id2.size(); ++i)
        std::printf("(%s, %lld)\n", py_repr(by_id2[i].first).c_str(),
                    static_cast<long long>(by_id2[i].second));
    const SimpleTokenizerV2 v2(vocab2);
    const std::string s2 =
        "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.";
    std::printf("%s\n%s\n%s\n", s2.c_str(), py_list(v2.encode(s2)).c_str(),
                py_repr(v2.decode(v2.encode(s2))).c_str());

    section("2.5 BytePair encoding");
    const auto& tok = gpt2_tokenizer();
    // The notebook's text joins "terraces" "of someunknownPlace." without a space
    // (so 1659 'of'); the printed book has " of" (286). Both, in that order.
    for (const std::string s3 :
         {"Hello, do you like tea? <|endoftext|> In the sunlit terracesof someunknownPlace.",
          "Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace."}) {
        const auto integers = tok.encode(s3, {"<|endoftext|>"});
        std::printf("%s\n%s\n", py_list(integers).c_str(), tok.decode(integers).c_str());
    }
    const auto ids4 = tok.encode("Akwirw ier");
    std::vector<std::string> pieces;
    for (auto id : ids4) pieces.emplace_back(tok.token_bytes(id));
    std::printf("Exercise 2.1: 'Akwirw ier' -> %s = %s\n", py_list(ids4).c_str(),
                py_list(pieces).c_str());

    section("2.6 Data sampling with a sliding window");
    const auto enc_text = tok.encode(raw_text, {"<|endoftext|>"});
    std::printf("%zu\n", enc_text.size());
    const std::vector<int64_t> enc_sample(enc_text.begin() + 50, enc_text.end());
    const int context_size = 4;
    std::printf(
        "x: %s\ny:      %s\n",
        py_list(std::vector<int64_t>(enc_sample.begin(), enc_sample.begin() + context_size))
            .c_str(),
        py_list(std::vector<int64_t>(enc_sample.begin() + 1, enc_sample.begin() + context_size + 1))
            .c_str());
    for (int i = 1; i <= context_size; ++i)
        std::printf(
            "%s ----> %lld\n",
            py_list(std::vector<int64_t>(enc_sample.begin(), enc_sample.begin() + i)).c_str(),
            static_cast<long long>(enc_sample[static_cast<size_t>(i)]));
    for (int i = 1; i <= context_size; ++i)
        std::printf(
            "%s ----> %s\n",
            tok.decode(std::vector<int64_t>(enc_sample.begin(), enc_sample.begin() + i)).c_str(),
            tok.decode({enc_sample[static_cast<size_t>(i)]}).c_str());
    auto dataloader = create_dataloader_v1(raw_text, 1, 4, 1, false);
    const auto batches = dataloader.batches();
    for (int k = 0; k < 2; ++k)
        std::cout << "[" << batches[k].inputs << ", " << batches[k].targets << "]\n";
    auto loader8 = create_dataloader_v1(raw_text, 8, 4, 4, false);
    const auto b8 = loader8.batches()[0];
    std::cout << "Inputs:\n " << b8.inputs << "\n\nTargets:\n " << b8.targets << "\n";

    section("2.7 Creating token embeddings");
    manual_seed(123);
    Embedding embedding_layer(6, 3);
    std::cout << "Parameter containing:\n" << embedding_layer.weight << "\n";
    std::cout << embedding_layer.forward(IntTensor({1}, {3})) << "\n";
    std::cout << embedding_layer.forward(IntTensor({4}, {2, 3, 5, 1})) << "\n";

    section("2.8 Encoding word positions");
    Embedding token_embedding_layer(50257, 256), pos_embedding_layer(4, 256);
    std::cout << "Token IDs:\n " << b8.inputs << "\n\nInputs shape:\n "
              << torch_size(b8.inputs.shape) << "\n";
    const Tensor token_embeddings = token_embedding_layer.forward(b8.inputs);
    std::printf("%s\n", torch_size(token_embeddings.shape()).c_str());
    const Tensor pos_embeddings = pos_embedding_layer.forward(IntTensor({4}, {0, 1, 2, 3}));
    std::printf("%s\n", torch_size(pos_embeddings.shape()).c_str());
    const Tensor input_embeddings = add(token_embeddings, pos_embeddings);
    std::printf("%s\n", torch_size(input_embeddings.shape()).c_str());
}

// Ids as space-separated text, in a buffer that is written once (no zero
// fill first): sized for the widest id, one space each.
struct IdsText {
    std::unique_ptr<char[]> data;
    size_t size = 0;
};
IdsText format_ids(const std::vector<int64_t>& ids) {
    uint64_t widest = 0;
    for (int64_t id : ids)
        widest =
            std::max(widest, id < 0 ? 0 - static_cast<uint64_t>(id) : static_cast<uint64_t>(id));
    size_t digits = 2;  // a sign and one digit
    for (; widest >= 10; widest /= 10) ++digits;
    IdsText out{std::make_unique_for_overwrite<char[]>(ids.size() * (digits + 1)), 0};
    char* at = out.data.get();
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) *at++ = ' ';
        at = std::to_chars(at, at + digits, ids[i]).ptr;
    }
    out.size = static_cast<size_t>(at - out.data.get());
    return out;
}

void print_ids(const std::vector<int64_t>& ids) {  // one line
    const IdsText out = format_ids(ids);
    std::fwrite(out.data.get(), 1, out.size, stdout);
    std::fputc('\n', stdout);
}

// The vocabulary loads on a thread of its own while this one checks that
// the text is UTF-8 (before anything is written) and starts OpenMP's
// threads: the serial start of a parallel encode. (On this machine kind the
// first parallel region waits 4-7 ms for its threads to start; here that
// wait is beside the loading, not before it.) One after the other when the
// user asks for one thread (OMP_NUM_THREADS=1).
void load_checking_utf8(std::string_view text, const std::string& what) {
    if (omp_get_max_threads() == 1) {
        check_utf8(text, what);
        gpt2_tokenizer();
        return;
    }
    std::exception_ptr bad_vocabulary;
    std::thread loading([&] {
        try {
            gpt2_tokenizer();
        } catch (...) { bad_vocabulary = std::current_exception(); }
    });
    try {
        check_utf8(text, what);
#pragma omp parallel
        {}  // the threads the encoding uses, started now
    } catch (...) {
        loading.join();
        throw;
    }
    loading.join();
    if (bad_vocabulary) std::rethrow_exception(bad_vocabulary);
}

// Parts of the output handed in by several threads in any order and written
// to stdout in order, space-separated. Handing in takes a short lock; the
// writing is done by one thread at a time under a second lock, which a
// thread only tries for: while one writes, the others go back to encoding.
class OrderedWriter {
public:
    explicit OrderedWriter(size_t parts) : parts_(parts), ready_(parts, 0) {}
    void hand_in(size_t k, IdsText text) {
        {
            const std::lock_guard<std::mutex> lock(state_);
            parts_[k] = std::move(text);
            ready_[k] = 1;
        }
        // Write what is ready. After letting go of the writing lock, look
        // again: a part handed in meanwhile found the lock taken and left.
        while (true) {
            std::unique_lock<std::mutex> writer(writing_, std::try_to_lock);
            if (!writer) return;  // the thread that is writing will take it
            for (IdsText p; take_next(p);) {
                if (p.size == 0) continue;
                if (!first_) std::fputc(' ', stdout);
                std::fwrite(p.data.get(), 1, p.size, stdout);
                first_ = false;
            }
            writer.unlock();
            const std::lock_guard<std::mutex> lock(state_);
            if (next_ == parts_.size() || !ready_[next_]) return;
        }
    }
    bool all_written() const { return next_ == parts_.size(); }

private:
    bool take_next(IdsText& p) {
        const std::lock_guard<std::mutex> lock(state_);
        if (next_ == parts_.size() || !ready_[next_]) return false;
        p = std::move(parts_[next_++]);
        return true;
    }
    std::mutex state_, writing_;
    std::vector<IdsText> parts_;
    std::vector<char> ready_;
    size_t next_ = 0;  // the first part not yet written
    bool first_ = true;  // nothing written yet (only the writer reads it)
};

// GPT-2 ids of a long text on every core (encode_ordinary when
// allowed_special is null): each part encoded and formatted on its thread
// (encode_parallel.hpp) and written as soon as the parts before it are, so
// the output streams and its memory is reused.
void print_ids_parallel(std::string_view text, const std::set<std::string>* allowed_special,
                        const std::string& what) {
    const std::vector<size_t> bounds = ch02::part_bounds(text, size_t{256} << 10);
    OrderedWriter out(bounds.size() - 1);
    ch02::encode_parts(
        gpt2_tokenizer(), text, bounds, allowed_special,
        [&](size_t k, std::vector<int64_t>& ids) { out.hand_in(k, format_ids(ids)); }, what);
    if (!out.all_written()) throw std::logic_error("ch02 encode: a part was not written");
    std::fputc('\n', stdout);
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    // Freed buffers stay in the process for the next part of a large text
    // (glibc would hand them back to the kernel and fault them in again, a
    // few microseconds per 4 KB under a hypervisor).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    CLI::App app{"Chapter 2: working with text data (tokenizers, data loader, embeddings)"};
    app.require_subcommand(0, 1);

    std::string tokenizer = "gpt2", file;
    bool ordinary = false;
    auto* enc = app.add_subcommand("encode", "text file (or - for stdin) to token ids on stdout");
    enc->add_option("file", file, "input text, - for stdin")->required();
    enc->add_option("--tokenizer", tokenizer, "gpt2 or bert")
        ->check(CLI::IsMember({"gpt2", "bert"}));
    enc->add_flag("--ordinary", ordinary,
                  "GPT-2: encode <|endoftext|> as plain text (tiktoken's encode_ordinary)");

    auto* dec =
        app.add_subcommand("decode", "whitespace-separated ids (file or -) to text on stdout");
    dec->add_option("file", file, "ids, - for stdin")->required();
    dec->add_option("--tokenizer", tokenizer, "gpt2 or bert")
        ->check(CLI::IsMember({"gpt2", "bert"}));

    std::string text;
    auto* tokens = app.add_subcommand("tokens", "each GPT-2 token of TEXT: its text, id and bytes");
    tokens->add_option("text", text, "the text")->required();

    auto* compare = app.add_subcommand(
        "compare", "how GPT-2 BPE, BERT WordPiece, word and character tokenizers split TEXT");
    compare->add_option("text", text, "the text")->required();

    int64_t vocab_size = 1000;
    std::string out_dir = ".";
    auto* train =
        app.add_subcommand("train-bpe", "train a BPE tokenizer from scratch (the book's bonus)");
    train->add_option("file", file, "training text")->required();
    train->add_option("--vocab-size", vocab_size, "vocabulary size")
        ->check(CLI::Range(257, 1000000));
    train->add_option("--out", out_dir, "folder for vocab.json and merges.txt")
        ->check(CLI::ExistingDirectory);

    CLI11_PARSE(app, argc, argv);
    try {
        if (enc->parsed()) {
            const MappedFile mapped(file);  // a large corpus: mapped, not copied
            const std::string_view input = mapped.bytes();
            const std::string where = file == "-" ? "standard input" : file;
            const std::set<std::string> eot{"<|endoftext|>"};
            if (tokenizer == "bert") {
                check_utf8(input, where);
                print_ids(BertWordPiece::from_data_dir().encode(input));
            } else {  // both cores (encode_parallel.hpp): the same ids
                load_checking_utf8(input, where);
                print_ids_parallel(input, ordinary ? nullptr : &eot, where);
            }
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
                const std::string_view b = tok.token_bytes(id);
                std::string hex;
                for (unsigned char c : b) {
                    char h[4];
                    std::snprintf(h, sizeof h, "%02x ", c);
                    hex += h;
                }
                std::printf("%-8lld %-20s %s\n", static_cast<long long>(id),
                            ("'" + tok.decode({id}) + "'").c_str(), hex.c_str());
            }
        } else if (compare->parsed()) {
            const std::string verdict = read_file(data_dir() / "the-verdict.txt");
            const auto bert = BertWordPiece::from_data_dir();
            const WordTokenizer words(verdict);
            const CharTokenizer chars(verdict);
            std::printf("%s\n\n", text.c_str());
            for (const Tokenization& t :
                 compare_tokenizers(text, {gpt2_tokenizer(), bert, words, chars})) {
                const std::string vocab = t.name == "word-level"
                    ? std::to_string(t.vocab_size) + " words of the-verdict"
                    : t.name == "character-level"
                    ? std::to_string(t.vocab_size) + " characters of the-verdict"
                    : std::to_string(t.vocab_size) + " tokens";
                const std::string head = t.name + " (" + vocab + ")";
                std::printf("%-29s  %3zu tokens, %lld unknown\n  %s\n  ids %s\n", head.c_str(),
                            t.ids.size(), static_cast<long long>(t.unknown),
                            quoted(t.pieces).c_str(), join(t.ids, " ").c_str());
            }
        } else if (train->parsed()) {
            BPETokenizerSimple bpe;
            bpe.train(read_input(file), vocab_size);
            const std::filesystem::path dir = out_dir;
            bpe.save(dir / "vocab.json", dir / "merges.txt");
            std::printf("trained: vocabulary %lld, %zu merges; wrote %s and %s\n",
                        static_cast<long long>(bpe.vocab_size()), bpe.merges().size(),
                        (dir / "vocab.json").c_str(), (dir / "merges.txt").c_str());
        } else {
            walkthrough();
        }
        // a full disk or a closed pipe is an error, not a silent short output
        if (std::fflush(stdout) != 0 || std::ferror(stdout))
            throw FileError("standard output: write failed (" + std::string(std::strerror(errno)) +
                            ")");
    } catch (const Error& e) {
        std::fprintf(stderr, "ch02: error: %s\n", e.what());
        return 1;
    }
}
