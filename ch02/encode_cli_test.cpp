// `ch02 encode` as a user runs it: the ids it writes are tiktoken's, on one
// thread and on two, for every GPT-2 tokenizer fixture text; a text of many
// parts (written in order by several threads) gives the ids of its pieces;
// a file that is not UTF-8 is an error naming it, with nothing written.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "book_output.hpp"
#include "error.hpp"
#include "paths.hpp"
#include "testing.hpp"

using namespace llm;
namespace fs = std::filesystem;

namespace {
std::vector<int64_t> encode_with_program(const fs::path& text, bool ordinary, int threads) {
    std::istringstream out(testing::program_output(
        "OMP_NUM_THREADS=" + std::to_string(threads) + " '" LLM_CHAPTER_PROGRAM "' encode " +
        (ordinary ? "--ordinary '" : "'") + text.string() + "'"));
    std::vector<int64_t> ids;
    for (int64_t id; out >> id;) ids.push_back(id);
    CHECK(out.eof());  // nothing but ids
    return ids;
}

bool visible_ascii(char c) { return c > ' ' && c < 0x7f; }

// A file that removes itself.
struct TempFile {
    fs::path path = fs::temp_directory_path() /
        ("llm-encode-cli-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    explicit TempFile(const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
    ~TempFile() { fs::remove(path); }
    static inline int count = 0;
};
}  // namespace

TEST_CASE("ch02 encode: tiktoken's ids for every fixture text, both modes, on 1 and 2 threads") {
    int checked = 0;
    for (const auto& set : testing::gpt2_tokenizer_sets()) {
        for (const bool ordinary : {false, true}) {
            if (!(ordinary ? set.has_ordinary_ids : set.has_ids)) continue;
            for (const int threads : {1, 2}) {
                INFO(set.text_file.string() << (ordinary ? ", encode_ordinary, " : ", encode, ")
                                            << threads << " thread(s)");
                CHECK(encode_with_program(set.text_file, ordinary, threads) ==
                      (ordinary ? set.ordinary_ids : set.ids));
            }
            ++checked;
        }
        MESSAGE("ch02 encode checked on " << set.text_file.string());
    }
    CHECK(checked > 0);
}

TEST_CASE("ch02 encode: a fixture text repeated into many parts gives its ids repeated") {
    // When a text starts with a visible ASCII character and ends with one and a
    // line break, the pattern ends a piece at every joint of the text repeated
    // (the break is one piece before a non-space), so the ids of k copies
    // are tiktoken's ids k times. At 1.5 MB or more, ch02 encode cuts the text
    // into several parts, encodes them on every thread and writes them in order.
    int checked = 0;
    for (const auto& set : testing::gpt2_tokenizer_sets()) {
        const std::string& text = set.text;
        if (text.size() < 2 || !visible_ascii(text.front()) || text.back() != '\n' ||
            !visible_ascii(text[text.size() - 2]))
            continue;
        const size_t copies = (size_t{3} << 19) / text.size() + 1;
        std::string many;
        for (size_t k = 0; k < copies; ++k) many += text;
        const TempFile file(many);
        for (const bool ordinary : {false, true}) {
            if (!(ordinary ? set.has_ordinary_ids : set.has_ids)) continue;
            const auto& once = ordinary ? set.ordinary_ids : set.ids;
            std::vector<int64_t> expected;
            for (size_t k = 0; k < copies; ++k)
                expected.insert(expected.end(), once.begin(), once.end());
            for (const int threads : {2, 1}) {
                INFO(set.text_file.string()
                     << " x " << copies << (ordinary ? ", encode_ordinary, " : ", encode, ")
                     << threads << " thread(s)");
                CHECK(encode_with_program(file.path, ordinary, threads) == expected);
            }
        }
        MESSAGE("ch02 encode on " << copies << " copies of " << set.text_file.string());
        ++checked;
    }
    if (checked == 0) MESSAGE("no fixture text starts and ends as the joint needs: not checked");
}

TEST_CASE("ch02 encode: invalid UTF-8 names the file and the byte offset; nothing is written") {
    std::string text;
    while (text.size() < (size_t{1} << 20)) text += "A line of text.\n";
    const size_t bad = text.size() - 7;
    text[bad] = '\xff';
    const TempFile file(text);
    const TempFile out("");
    const std::string command = "OMP_NUM_THREADS=2 '" LLM_CHAPTER_PROGRAM "' encode '" +
        file.path.string() + "' > '" + out.path.string() + "' 2>&1; echo \" status $?\"";
    const std::string said = testing::program_output(command);
    const std::string written = read_file(out.path);
    INFO(written);
    CHECK(said.find(" status 0") == std::string::npos);
    CHECK(written.find(file.path.string()) != std::string::npos);
    CHECK(written.find("byte offset " + std::to_string(bad)) != std::string::npos);
    CHECK(written.find("50256") == std::string::npos);  // no ids, only the error
    CHECK(written.find(" 32 ") == std::string::npos);
}

TEST_CASE("ch02 encode: a failed write (a full disk) is an error, not a short output") {
    if (!fs::exists("/dev/full")) return;  // Linux's always-full device
    const std::string said = testing::program_output("'" LLM_CHAPTER_PROGRAM "' encode '" +
                                                     (data_dir() / "the-verdict.txt").string() +
                                                     "' 2>&1 > /dev/full; echo \" status $?\"");
    INFO(said);
    CHECK(said.find("standard output: write failed") != std::string::npos);
    CHECK(said.find(" status 1") != std::string::npos);
}
