#include "corpus.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "bench.hpp"
#include "encode_parallel.hpp"
#include "error.hpp"
#include "paths.hpp"
#include "text_ids.hpp"
#include "utf8.hpp"

namespace llm::ch05 {

namespace fs = std::filesystem;
using nlohmann::json;

static_assert(std::endian::native == std::endian::little, "token files are little-endian");

// ---- the header ----------------------------------------------------------------------------

namespace {
constexpr const char* kFormat = "llm-from-scratch-cpp token corpus, version 1";
}

std::string CorpusHeader::to_json() const {
    json j;
    j["format"] = kFormat;
    j["tokenizer"] = tokenizer;
    j["vocab_size"] = vocab_size;
    j["eot_token"] = eot_token;
    j["dtype"] = "uint16";
    j["train"] = {{"file", "train.bin"}, {"tokens", train_tokens}, {"documents", train_documents}};
    j["validation"] = {{"file", "val.bin"}, {"tokens", val_tokens}, {"documents", val_documents}};
    j["sources"] = json::array();
    for (const auto& s : sources)
        j["sources"].push_back(
            {{"path", s.path}, {"bytes", s.bytes}, {"fnv1a64", s.fnv1a64}, {"split", s.split}});
    j["skipped"] = json::array();
    for (const auto& [path, reason] : skipped)
        j["skipped"].push_back({{"path", path}, {"reason", reason}});
    return j.dump(2) + "\n";
}

CorpusHeader CorpusHeader::from_json(const std::string& text, const std::string& where) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw FormatError(where + ": not valid JSON: " + e.what());
    }
    auto need = [&](const json& obj, const char* key, const std::string& path) -> const json& {
        if (!obj.is_object() || !obj.contains(key))
            throw FormatError(where + ": '" + path + key + "' is missing");
        return obj[key];
    };
    auto count = [&](const json& obj, const char* key, const std::string& path) {
        const json& v = need(obj, key, path);
        if (!v.is_number_integer() || v.get<int64_t>() < 0)
            throw FormatError(where + ": '" + path + key + "' must be a non-negative integer");
        return v.get<int64_t>();
    };
    if (!j.is_object() || !j.contains("format") || j["format"] != kFormat)
        throw FormatError(where + ": not a corpus header (its 'format' is not \"" + kFormat +
                          "\"); prepare the corpus with `ch05 prepare`");
    CorpusHeader h;
    if (need(j, "tokenizer", "") != "gpt2")
        throw FormatError(where + ": tokenizer " + j["tokenizer"].dump() +
                          " is not supported (only gpt2)");
    if (need(j, "dtype", "") != "uint16")
        throw FormatError(where + ": dtype " + j["dtype"].dump() + " is not supported (uint16)");
    h.vocab_size = count(j, "vocab_size", "");
    h.eot_token = count(j, "eot_token", "");
    if (h.vocab_size != 50257 || h.eot_token != 50256)
        throw FormatError(where + ": vocab_size " + std::to_string(h.vocab_size) +
                          " and eot_token " + std::to_string(h.eot_token) +
                          " are not GPT-2's (50257, 50256)");
    h.train_tokens = count(need(j, "train", ""), "tokens", "train.");
    h.train_documents = count(j["train"], "documents", "train.");
    h.val_tokens = count(need(j, "validation", ""), "tokens", "validation.");
    h.val_documents = count(j["validation"], "documents", "validation.");
    if (j.contains("sources") && j["sources"].is_array())
        for (const auto& s : j["sources"])
            h.sources.push_back({s.value("path", ""), s.value("bytes", uint64_t{0}),
                                 s.value("fnv1a64", ""), s.value("split", "")});
    if (j.contains("skipped") && j["skipped"].is_array())
        for (const auto& s : j["skipped"])
            h.skipped.emplace_back(s.value("path", ""), s.value("reason", ""));
    return h;
}

// ---- preparing -------------------------------------------------------------------------------

namespace {

std::string fnv1a64(const std::string& bytes) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

std::vector<fs::path> collect_files(const std::vector<fs::path>& inputs) {
    std::vector<fs::path> files;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(in, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
                if (!it->is_directory()) found.push_back(it->path());
            if (ec) throw FileError(in.string() + ": cannot list the folder: " + ec.message());
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(fs::symlink_status(in, ec))) {
            files.push_back(in);
        } else {
            throw FileError(in.string() + ": no such file or folder");
        }
    }
    if (files.empty()) throw ValueError("prepare: no files to read in the folders given");
    return files;
}

// A token file being written: a temporary name until commit().
class IdWriter {
public:
    explicit IdWriter(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".partial") {
        f_ = std::fopen(tmp_.c_str(), "wb");
        if (!f_) throw FileError(tmp_.string() + ": cannot be written");
    }
    ~IdWriter() {
        if (f_) std::fclose(f_);
        if (!committed_) {
            std::error_code ec;
            fs::remove(tmp_, ec);
        }
    }
    void write(const std::vector<int64_t>& ids) {
        buf_.resize(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) buf_[i] = static_cast<uint16_t>(ids[i]);
        if (std::fwrite(buf_.data(), sizeof(uint16_t), buf_.size(), f_) != buf_.size())
            throw FileError(tmp_.string() + ": write failed (disk full?)");
        tokens_ += static_cast<int64_t>(ids.size());
    }
    void finish() {  // flushed and closed; renamed by commit()
        const bool ok = std::fflush(f_) == 0 && fsync(fileno(f_)) == 0;
        std::fclose(f_);
        f_ = nullptr;
        if (!ok) throw FileError(tmp_.string() + ": write failed (disk full?)");
    }
    void commit() {
        fs::rename(tmp_, path_);
        committed_ = true;
    }
    int64_t tokens() const { return tokens_; }

private:
    fs::path path_, tmp_;
    std::FILE* f_ = nullptr;
    std::vector<uint16_t> buf_;
    int64_t tokens_ = 0;
    bool committed_ = false;
};

struct Document {
    fs::path path;
    uint64_t bytes;
    bool validation;
};

}  // namespace

CorpusHeader prepare_corpus(const std::vector<fs::path>& inputs, const fs::path& out_dir,
                            const PrepareOptions& o,
                            const std::function<void(const std::string&)>& report) {
    if (!(o.val_fraction >= 0.0 && o.val_fraction < 1.0))
        throw ValueError("prepare: the validation fraction must be in [0, 1)");
    const auto files = collect_files(inputs);
    CorpusHeader h;
    // Pass 1: which files are documents (readable, not empty, UTF-8), their sizes and hashes.
    std::vector<Document> docs;
    for (const auto& f : files) {
        std::string reason;
        std::string text;
        try {
            text = read_file(f);
            if (text.empty())
                reason = "the file is empty";
            else
                ch02::check_utf8(text, f.string());
        } catch (const Error& e) { reason = e.what(); }
        if (!reason.empty()) {
            if (reason.rfind(f.string(), 0) != 0) reason = f.string() + ": " + reason;
            if (!o.skip_bad)
                throw FileError(reason + " (use --skip-bad to skip such files and go on)");
            report("skipped " + reason);
            h.skipped.emplace_back(f.string(), reason);
            continue;
        }
        docs.push_back({f, text.size(), false});
        h.sources.push_back({f.string(), text.size(), fnv1a64(text), "train"});
    }
    if (docs.empty()) throw ValueError("prepare: none of the files given is a usable text");
    // Whole documents for validation: every k-th, or the last when there are fewer than k.
    const size_t n = docs.size();
    if (n >= 2 && o.val_fraction > 0) {
        const auto k = std::max<size_t>(2, static_cast<size_t>(std::llround(1.0 / o.val_fraction)));
        for (size_t i = 0; i < n; ++i) docs[i].validation = i % k == k - 1;
        if (n < k) docs[n - 1].validation = true;
    }
    for (size_t i = 0; i < n; ++i)
        h.sources[i].split = n == 1 ? "both" : docs[i].validation ? "validation" : "train";

    // Pass 2: tokenize on every core and append to the split's file.
    fs::create_directories(out_dir);
    std::error_code ec;
    fs::remove(out_dir / "corpus.json", ec);  // no stale header beside new token files
    IdWriter train(out_dir / "train.bin"), val(out_dir / "val.bin");
    const auto& tok = ch02::gpt2_tokenizer();
    uint64_t total = 0, done = 0;
    for (const auto& d : docs) total += d.bytes;
    const double t0 = bench::now();
    const std::vector<int64_t> eot{h.eot_token};
    auto append = [&](IdWriter& w, int64_t& documents, const std::string& text) {
        if (documents++ > 0) w.write(eot);
        w.write(ch02::encode_ordinary_parallel(tok, text));
    };
    for (const auto& d : docs) {
        const std::string text = read_file(d.path);
        if (text.size() != d.bytes)
            throw FileError(d.path.string() + ": the file changed while the corpus was prepared");
        if (n == 1) {
            const auto [train_text, val_text] = split_text(text, 1.0 - o.val_fraction);
            append(train, h.train_documents, train_text);
            if (!val_text.empty()) append(val, h.val_documents, val_text);
        } else {
            append(d.validation ? val : train, d.validation ? h.val_documents : h.train_documents,
                   text);
        }
        done += d.bytes;
        if (o.progress_line) {
            const double s = bench::now() - t0, rate = static_cast<double>(done) / 1e6 / s;
            std::fprintf(stderr, "\r\033[K%.1f of %.1f MB  %.1f MB/s  %.0f s left",
                         static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6, rate,
                         static_cast<double>(total - done) / 1e6 / std::max(rate, 1e-9));
        }
    }
    if (o.progress_line) std::fprintf(stderr, "\r\033[K");
    train.finish();
    val.finish();
    h.train_tokens = train.tokens();
    h.val_tokens = val.tokens();
    train.commit();
    val.commit();
    write_file_atomic(out_dir / "corpus.json", h.to_json());  // last: the corpus is complete
    return h;
}

// ---- reading ---------------------------------------------------------------------------------

TokenFile::TokenFile(const fs::path& path, int64_t tokens, int64_t vocab_size)
    : path_(path), tokens_(tokens) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw FileError(path.string() + ": cannot be opened");
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw FileError(path.string() + ": not a regular file");
    }
    const auto expected = static_cast<uint64_t>(tokens) * 2;
    if (static_cast<uint64_t>(st.st_size) != expected) {
        ::close(fd);
        throw FormatError(path.string() + ": holds " + std::to_string(st.st_size) +
                          " bytes, but corpus.json says " + std::to_string(tokens) + " tokens (" +
                          std::to_string(expected) + " bytes); prepare the corpus again");
    }
    mapped_bytes_ = static_cast<size_t>(expected);
    if (mapped_bytes_ > 0) {
        void* p = mmap(nullptr, mapped_bytes_, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            ::close(fd);
            throw FileError(path.string() + ": cannot be mapped into memory");
        }
        ids_ = static_cast<const uint16_t*>(p);
    }
    // Every id must be in the vocabulary. Only the parts of the file that
    // hold data are read (a hole reads as zeros, id 0), a slice at a time,
    // and each slice is dropped from this process's memory after the check.
    const auto bad = [&](int64_t i) {
        return FormatError(path.string() + ": token " + std::to_string(i) + " is " +
                           std::to_string(ids_[i]) + ", outside the vocabulary of " +
                           std::to_string(vocab_size));
    };
    const off_t end = static_cast<off_t>(mapped_bytes_);
    for (off_t at = 0; at < end;) {
        off_t data = lseek(fd, at, SEEK_DATA);
        if (data < 0) break;  // only a hole remains
        off_t hole = lseek(fd, data, SEEK_HOLE);
        if (hole < 0 || hole > end) hole = end;
        const off_t slice = off_t{64} << 20;
        for (off_t s = data & ~off_t{4095}; s < hole; s += slice) {
            const off_t e = std::min(hole, s + slice);
            for (int64_t i = std::max<off_t>(s, data) / 2; i < e / 2; ++i)
                if (ids_[i] >= vocab_size) {
                    ::close(fd);
                    throw bad(i);
                }
            madvise(const_cast<uint16_t*>(ids_) + s / 2, static_cast<size_t>(e - s), MADV_DONTNEED);
        }
        at = hole;
    }
    ::close(fd);
    if (ids_) madvise(const_cast<uint16_t*>(ids_), mapped_bytes_, MADV_RANDOM);
}

TokenFile::~TokenFile() {
    if (ids_) munmap(const_cast<uint16_t*>(ids_), mapped_bytes_);
}

CorpusDataset::CorpusDataset(std::shared_ptr<const TokenFile> ids, int64_t max_length,
                             int64_t stride)
    : ids_(std::move(ids)), max_length_(max_length), stride_(stride) {
    if (max_length <= 0 || stride <= 0)
        throw ValueError("CorpusDataset: max_length and stride must be positive");
    const int64_t n = ids_->size();
    windows_ = n > max_length ? (n - max_length + stride - 1) / stride : 0;
}

std::pair<IntTensor, IntTensor> CorpusDataset::get(int64_t i) const {
    if (i < 0 || i >= windows_)
        throw ValueError("CorpusDataset: window " + std::to_string(i) + " of " +
                         std::to_string(windows_));
    const int64_t s = i * stride_;
    std::vector<int64_t> x(static_cast<size_t>(max_length_)), y(x.size());
    for (int64_t t = 0; t < max_length_; ++t) {
        x[static_cast<size_t>(t)] = (*ids_)[s + t];
        y[static_cast<size_t>(t)] = (*ids_)[s + t + 1];
    }
    return {IntTensor({max_length_}, std::move(x)), IntTensor({max_length_}, std::move(y))};
}

Corpus open_corpus(const fs::path& dir) {
    const fs::path header_file = dir / "corpus.json";
    if (!fs::exists(header_file))
        throw FileError(header_file.string() +
                        ": not found (prepare a corpus with `ch05 prepare --out " + dir.string() +
                        " FILES...`)");
    Corpus c;
    c.header = CorpusHeader::from_json(read_file(header_file), header_file.string());
    c.train = std::make_shared<const TokenFile>(dir / "train.bin", c.header.train_tokens,
                                                c.header.vocab_size);
    c.val = std::make_shared<const TokenFile>(dir / "val.bin", c.header.val_tokens,
                                              c.header.vocab_size);
    return c;
}

TokenLoader corpus_token_loader(const DataLoader<CorpusDataset>& loader) {
    return TokenLoader(
        [&loader] { return loader.size(); }, [&loader] { return loader.epoch_indices(); },
        [&loader](const std::vector<int64_t>& indices) { return loader.make_batch(indices); });
}

}  // namespace llm::ch05
