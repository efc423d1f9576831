#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "error.hpp"
#include "paths.hpp"
#include "testing.hpp"
#include "wordpiece.hpp"

using namespace llm;
using namespace llm::ch02;
namespace fs = std::filesystem;

namespace {
const BertWordPiece& bert() {
    static const BertWordPiece wp = BertWordPiece::from_data_dir();
    return wp;
}
}  // namespace

TEST_CASE("BERT fixtures: HuggingFace's bert-base-uncased ids for every X.txt with X.bert.ids") {
    const auto files = testing::fixture_sets(testing::FixtureKind::BertTokenizer);
    for (const auto& text_file : files) {
        const std::string stem = text_file.string().substr(0, text_file.string().size() - 4);
        const fs::path ids_file = stem + ".bert.ids";
        INFO(stem << ".txt");
        std::istringstream in(read_file(ids_file));
        std::vector<int64_t> expected;
        int64_t x;
        while (in >> x) expected.push_back(x);
        const auto got = bert().encode(read_file(stem + ".txt"));
        size_t first = 0;
        while (first < std::min(got.size(), expected.size()) && got[first] == expected[first])
            ++first;
        CHECK_MESSAGE(got == expected,
                      "first difference at token " << first << " of " << expected.size());
    }
    for (const auto& f : files) MESSAGE("BERT fixture: " << f.string());
}

TEST_CASE("the book's BERT example: 'i like strawberries' -> 1045 2066 13137 20968") {
    CHECK(bert().encode("i like strawberries") == std::vector<int64_t>{1045, 2066, 13137, 20968});
    CHECK(bert().tokenize("I like strawberries") ==
          std::vector<std::string>{"i", "like", "straw", "##berries"});
}

TEST_CASE(
    "normalisation: lower case, accents stripped, CJK spaced, controls removed; [CLS] matched raw") {
    CHECK(BertWordPiece::normalize("Héllo\tWORLD") == "hello world");
    CHECK(BertWordPiece::pre_tokenize("don't") == std::vector<std::string>{"don", "'", "t"});
    CHECK(bert().tokenize("[CLS] hi [cls]") ==
          std::vector<std::string>{"[CLS]", "hi", "[", "cl", "##s", "]"});
    CHECK(bert().tokenize(std::string(101, 'a')) == std::vector<std::string>{"[UNK]"});
}

TEST_CASE("a vocabulary file without [UNK] or with a duplicate is rejected, naming the file") {
    const auto p = fs::temp_directory_path() / "llm_bad_vocab.txt";
    write_file_atomic(p, "[PAD]\nhello\n");
    CHECK_THROWS_WITH_AS(BertWordPiece::from_file(p), doctest::Contains("no [UNK]"), FormatError);
    write_file_atomic(p, "[UNK]\nhello\nhello\n");
    CHECK_THROWS_WITH_AS(BertWordPiece::from_file(p),
                         doctest::Contains(":3: token 'hello' appears twice"), FormatError);
    fs::remove(p);
}
