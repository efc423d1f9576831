// The corpus pipeline: prepare_corpus on the-verdict gives the batches of
// chapter 5's loader; documents, separators and the validation split of a
// folder; bad files named; damaged corpora refused; and a corpus larger
// than this machine could hold as float tensors trains from disk.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "corpus.hpp"
#include "error.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "text_ids.hpp"
#include "train.hpp"

using namespace llm;
using namespace llm::ch05;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name)
        : path(fs::temp_directory_path() / (name + "_" + std::to_string(getpid()))) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

std::vector<int64_t> read_ids(const fs::path& p) {
    const std::string b = read_file(p);
    std::vector<int64_t> ids(b.size() / 2);
    for (size_t i = 0; i < ids.size(); ++i)
        ids[i] =
            static_cast<unsigned char>(b[2 * i]) | (static_cast<unsigned char>(b[2 * i + 1]) << 8);
    return ids;
}

const auto quiet = [](const std::string&) {};

// A line of /proc/self/status in kB.
int64_t status_kb(const std::string& key) {
    std::istringstream in(read_file("/proc/self/status"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
    return -1;
}

}  // namespace

TEST_CASE("a corpus of the-verdict gives chapter 5's batches, epoch after epoch") {
    TempDir dir("llm_corpus_verdict");
    const fs::path verdict = data_dir() / "the-verdict.txt";
    const CorpusHeader h = prepare_corpus({verdict}, dir.path, {}, quiet);
    REQUIRE(h.sources.size() == 1);
    CHECK(h.sources[0].split == "both");
    CHECK(h.sources[0].bytes == fs::file_size(verdict));
    const auto [train_text, val_text] = split_text(read_file(verdict), 0.9);
    const auto& tok = ch02::gpt2_tokenizer();
    CHECK(h.train_tokens == static_cast<int64_t>(tok.encode(train_text, {"<|endoftext|>"}).size()));
    CHECK(h.val_tokens == static_cast<int64_t>(tok.encode(val_text, {"<|endoftext|>"}).size()));

    const Corpus c = open_corpus(dir.path);
    for (int64_t T : {256, 16}) {
        INFO("context length " << T);
        manual_seed(123);
        const auto text_train = ch02::create_dataloader_v1(train_text, 2, T, T, true, true);
        const auto text_val = ch02::create_dataloader_v1(val_text, 2, T, T, false, false);
        const TokenLoader a(text_train), av(text_val);
        manual_seed(123);
        DataLoader<CorpusDataset> corpus_train(std::make_shared<CorpusDataset>(c.train, T, T), 2,
                                               true, true);
        DataLoader<CorpusDataset> corpus_val(std::make_shared<CorpusDataset>(c.val, T, T), 2);
        const TokenLoader b = corpus_token_loader(corpus_train),
                          bv = corpus_token_loader(corpus_val);
        CHECK(a.size() == b.size());
        CHECK(av.size() == bv.size());
        for (int epoch = 0; epoch < 3; ++epoch) {
            manual_seed(1000 + epoch);
            const auto ia = a.epoch_indices();
            manual_seed(1000 + epoch);
            const auto ib = b.epoch_indices();
            REQUIRE(ia == ib);
            for (const auto& idx : ia) {
                const auto x = a.make_batch(idx), y = b.make_batch(idx);
                CHECK(x.inputs.data == y.inputs.data);
                CHECK(x.targets.data == y.targets.data);
            }
        }
        const auto va = av.epoch_indices(), vb = bv.epoch_indices();
        REQUIRE(va == vb);
        for (const auto& idx : va)
            CHECK(av.make_batch(idx).inputs.data == bv.make_batch(idx).inputs.data);
    }
}

TEST_CASE(
    "a folder of documents: sorted, separated by <|endoftext|>, every 10th held out, bad files named") {
    TempDir dir("llm_corpus_docs");
    const fs::path in = dir.path / "in", out = dir.path / "out";
    fs::create_directories(in / "sub");
    std::vector<std::string> texts;
    for (int i = 0; i < 11; ++i) {
        texts.push_back("Document " + std::to_string(i) + " says:\nhello world, " +
                        std::string(static_cast<size_t>(i), '!') + " caf\xc3\xa9.");
        write(in / (i < 5 ? "" : "sub") / ("doc" + std::to_string(10 + i) + ".txt"), texts.back());
    }
    write(in / "empty.txt", "");
    write(in / "latin1.txt", "caf\xe9 au lait");
    fs::create_symlink(in / "does-not-exist", in / "broken.txt");

    SUBCASE("stop at the first bad file, naming it") {
        try {
            prepare_corpus({in}, out, {}, quiet);
            FAIL("no error");
        } catch (const FileError& e) {
            const std::string m = e.what();
            CHECK(m.find((in / "broken.txt").string()) != std::string::npos);
            CHECK(m.find("--skip-bad") != std::string::npos);
        }
        CHECK(!fs::exists(out / "corpus.json"));
    }
    SUBCASE("skip bad files, report each by name") {
        std::vector<std::string> reported;
        PrepareOptions o;
        o.skip_bad = true;
        const CorpusHeader h =
            prepare_corpus({in}, out, o, [&](const std::string& m) { reported.push_back(m); });
        REQUIRE(h.skipped.size() == 3);
        REQUIRE(reported.size() == 3);
        CHECK(reported[0].find("broken.txt") != std::string::npos);
        CHECK(reported[1].find("empty.txt") != std::string::npos);
        CHECK(reported[1].find("empty") != std::string::npos);
        CHECK(reported[2].find("latin1.txt") != std::string::npos);
        CHECK(reported[2].find("byte offset 3") != std::string::npos);
        // sorted paths: doc10..doc14 in the folder, then sub/doc15..doc20
        REQUIRE(h.sources.size() == 11);
        CHECK(h.sources[9].split == "validation");  // every 10th document
        CHECK(h.train_documents == 10);
        CHECK(h.val_documents == 1);
        const auto& tok = ch02::gpt2_tokenizer();
        std::vector<int64_t> train;
        for (int i = 0; i < 11; ++i) {
            if (i == 9) continue;
            if (!train.empty()) train.push_back(50256);
            const auto ids = tok.encode_ordinary(texts[static_cast<size_t>(i)]);
            train.insert(train.end(), ids.begin(), ids.end());
        }
        CHECK(read_ids(out / "train.bin") == train);
        CHECK(read_ids(out / "val.bin") == tok.encode_ordinary(texts[9]));
        const CorpusHeader back = CorpusHeader::from_json(read_file(out / "corpus.json"), "x");
        CHECK(back.train_tokens == static_cast<int64_t>(train.size()));
        CHECK(back.sources.size() == 11);
        CHECK(back.skipped.size() == 3);
        for (const auto& f : fs::directory_iterator(out))
            CHECK_MESSAGE(f.path().extension() != ".partial", "left behind: " << f.path());
    }
}

TEST_CASE("a damaged corpus is refused with the file and what is wrong") {
    TempDir dir("llm_corpus_bad");
    const fs::path text = dir.path / "t.txt";
    write(text, "Every effort moves you forward, one step at a time.\nAnd then another.");
    const fs::path out = dir.path / "c";
    prepare_corpus({text}, out, {}, quiet);
    auto error_of = [&] {
        try {
            open_corpus(out);
        } catch (const Error& e) { return std::string(e.what()); }
        return std::string("no error");
    };
    CHECK(error_of() == "no error");
    SUBCASE("a token outside the vocabulary") {
        std::fstream f(out / "train.bin", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(6);
        const unsigned char big[2] = {0x60, 0xea};  // 60000
        f.write(reinterpret_cast<const char*>(big), 2);
        f.close();
        const std::string m = error_of();
        CHECK(m.find("train.bin: token 3 is 60000") != std::string::npos);
    }
    SUBCASE("a token file cut short") {
        fs::resize_file(out / "val.bin", fs::file_size(out / "val.bin") - 2);
        CHECK(error_of().find("val.bin: holds") != std::string::npos);
    }
    SUBCASE("a header that is not a corpus header") {
        write(out / "corpus.json", "{\"format\": \"something else\"}");
        CHECK(error_of().find("not a corpus header") != std::string::npos);
    }
    SUBCASE("a header without token counts") {
        std::string h = read_file(out / "corpus.json");
        h.replace(h.find("\"tokens\""), 8, "\"tokenz\"");
        write(out / "corpus.json", h);
        CHECK(error_of().find("tokens' is missing") != std::string::npos);
    }
    SUBCASE("no header") {
        fs::remove(out / "corpus.json");
        CHECK(error_of().find("ch05 prepare") != std::string::npos);
    }
}

TEST_CASE("a corpus larger than this machine holds as float tensors trains from disk") {
    // 7 billion tokens: a 14 GB token file (28 GB as float32), made sparse
    // so that it costs no disk; its holes read as token 0. Nothing may load
    // it: the process's peak resident memory grows by well under a gigabyte.
    TempDir dir("llm_corpus_huge");
    const int64_t train_tokens = 7'000'000'000, val_tokens = 100'000;
    CorpusHeader h;
    h.train_tokens = train_tokens;
    h.val_tokens = val_tokens;
    h.train_documents = h.val_documents = 1;
    write(dir.path / "corpus.json", h.to_json());
    for (auto [name, n] :
         {std::pair{"train.bin", train_tokens}, std::pair{"val.bin", val_tokens}}) {
        const int fd = ::open((dir.path / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(ftruncate(fd, static_cast<off_t>(n) * 2) == 0);
        ::close(fd);
    }
    const int64_t T = 1024;
    const int64_t windows = (train_tokens - T + T - 1) / T, last_start = (windows - 1) * T;
    {  // real ids at the end of the last window: 16, 32, 48, 50256
        std::fstream f(dir.path / "train.bin", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp((last_start + T - 3) * 2);
        const unsigned char ids[8] = {0x10, 0x00, 0x20, 0x00, 0x30, 0x00, 0x50, 0xc4};
        f.write(reinterpret_cast<const char*>(ids), 8);
    }
    {  // reset the peak-memory mark (VmHWM) to the current resident size
        std::ofstream("/proc/self/clear_refs") << "5";
    }
    const int64_t rss_before = status_kb("VmRSS");
    const Corpus c = open_corpus(dir.path);
    CHECK(c.train->size() == train_tokens);
    auto train_ds = std::make_shared<CorpusDataset>(c.train, T, T);
    REQUIRE(train_ds->size() == windows);
    const auto last = train_ds->get(windows - 1);
    CHECK(last.first.data.back() == 48);
    CHECK(last.second.data.back() == 50256);
    CHECK(last.first.data.front() == 0);  // a hole
    ch04::GPTConfig cfg;
    cfg.context_length = T;
    cfg.emb_dim = 16;
    cfg.n_heads = 2;
    cfg.n_layers = 1;
    cfg.drop_rate = 0.0f;
    manual_seed(123);
    ch04::GPTModel model(cfg);
    AdamW opt(model.parameters(), 1e-3f, 0.1f);
    manual_seed(123);
    const auto train_loader = DataLoader<CorpusDataset>(train_ds, 1, true, true).first_batches(3);
    const auto val_loader =
        DataLoader<CorpusDataset>(std::make_shared<CorpusDataset>(c.val, T, T), 1).first_batches(1);
    TrainOptions o;
    o.num_epochs = 1;
    o.eval_freq = 2;
    o.eval_iter = 1;
    o.sample_tokens = 0;
    o.print = quiet;
    const auto r =
        train_model_simple(model, corpus_token_loader(train_loader),
                           corpus_token_loader(val_loader), opt, ch02::gpt2_tokenizer(), o);
    CHECK(r.steps == 3);
    CHECK(std::isfinite(r.train_losses.back()));
    const int64_t peak_growth_mb = (status_kb("VmHWM") - rss_before) / 1000;
    MESSAGE("training on a 14 GB token file raised the peak resident memory by " << peak_growth_mb
                                                                                 << " MB");
    CHECK(peak_growth_mb < 1500);
}
