// Beyond the-verdict: pretraining on a corpus of many files (the book's
// bonus material pretrains on Project Gutenberg). `prepare_corpus` turns
// text files into GPT-2 token ids once; training then maps the ids from
// disk instead of holding the text or its tokens in memory.
//
// A prepared corpus is a folder:
//   corpus.json  the header: tokenizer, vocabulary size, token counts,
//                the source files with their sizes and FNV-1a hashes, and
//                what was skipped and why
//   train.bin    the training ids, uint16 little-endian, one after another
//   val.bin      the validation ids, the same
// Each file is one document; documents of a split are separated by one
// <|endoftext|> (50256). The validation split takes whole documents (every
// k-th, k = round(1 / val_fraction)); a corpus of one document is split
// inside it as chapter 5 splits the-verdict (the first 90% of its
// characters train), so that `ch05 train --corpus` on the-verdict sees the
// very batches `ch05 train --text` sees.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data.hpp"
#include "gpt_dataset.hpp"
#include "loss.hpp"
#include "tensor.hpp"

namespace llm::ch05 {

struct PrepareOptions {
    double val_fraction = 0.1;  // share of documents (or of the one document) held out
    bool skip_bad = false;  // unreadable, empty or invalid UTF-8 files: skip (true) or stop (false)
    bool progress_line = false;  // a live line on stderr: MB done, MB/s, time left
};

struct CorpusSource {
    std::string path;
    uint64_t bytes = 0;
    std::string fnv1a64;  // hex
    std::string split;  // "train", "validation" or "both" (the one-document case)
};

struct CorpusHeader {
    std::string tokenizer = "gpt2";
    int64_t vocab_size = 50257, eot_token = 50256;
    int64_t train_tokens = 0, val_tokens = 0;
    int64_t train_documents = 0, val_documents = 0;
    std::vector<CorpusSource> sources;
    std::vector<std::pair<std::string, std::string>> skipped;  // path, reason
    std::string to_json() const;
    // FormatError naming `where` and the key when something is missing or wrong.
    static CorpusHeader from_json(const std::string& json, const std::string& where);
};

// Every file named (folders: every regular file below them, in sorted
// order), tokenized on every core and written to out_dir. Files that
// cannot be read, are empty or are not UTF-8 are reported by name through
// `report` and skipped (skip_bad) or stop the run with an error naming the
// file (and the byte offset). Writes through temporary files: an
// interrupted run leaves no corpus.json, so no half corpus is ever read.
CorpusHeader prepare_corpus(const std::vector<std::filesystem::path>& inputs,
                            const std::filesystem::path& out_dir, const PrepareOptions& options,
                            const std::function<void(const std::string&)>& report);

// A token file mapped read-only: the ids are read from the page cache as
// windows ask for them, so resident memory does not grow with the corpus.
class TokenFile {
public:
    // Checks the size against `tokens` and every id against vocab_size (a
    // FormatError naming the file, the token's position and its value);
    // holes of a sparse file read as id 0 and are not scanned.
    TokenFile(const std::filesystem::path& path, int64_t tokens, int64_t vocab_size);
    ~TokenFile();
    TokenFile(const TokenFile&) = delete;
    TokenFile& operator=(const TokenFile&) = delete;
    int64_t size() const { return tokens_; }
    int64_t operator[](int64_t i) const { return ids_[i]; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int64_t tokens_ = 0;
    const uint16_t* ids_ = nullptr;
    size_t mapped_bytes_ = 0;
};

// GPTDatasetV1's windows (starting at 0, stride, 2 stride, ... < size -
// max_length) over a token file: the input is the window, the target the
// window shifted by one.
class CorpusDataset {
public:
    CorpusDataset(std::shared_ptr<const TokenFile> ids, int64_t max_length, int64_t stride);
    int64_t size() const { return windows_; }
    std::pair<IntTensor, IntTensor> get(int64_t i) const;
    static ch02::GPTDatasetV1::Batch collate(
        const std::vector<std::pair<IntTensor, IntTensor>>& items) {
        return ch02::GPTDatasetV1::collate(items);
    }

private:
    std::shared_ptr<const TokenFile> ids_;
    int64_t max_length_, stride_, windows_;
};

struct Corpus {
    CorpusHeader header;
    std::shared_ptr<const TokenFile> train, val;
};
// Reads and checks corpus.json, then maps and checks both token files.
Corpus open_corpus(const std::filesystem::path& dir);

// The loader as this chapter's loss and training loop read it (a view: the
// loader must outlive it).
TokenLoader corpus_token_loader(const DataLoader<CorpusDataset>& loader);

}  // namespace llm::ch05
