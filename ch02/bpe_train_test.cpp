#include <doctest/doctest.h>

#include <filesystem>

#include "bpe_train.hpp"
#include "paths.hpp"

using namespace llm;
using namespace llm::ch02;

TEST_CASE(
    "bonus: BPE trained on the-verdict to vocabulary 1000 records 742 merges and encodes as the book's bonus code") {
    const std::string text = read_file(data_dir() / "the-verdict.txt");
    BPETokenizerSimple bpe;
    bpe.train(text, 1000);
    CHECK(bpe.vocab_size() == 1000);
    CHECK(bpe.merges().size() == 742);
    // the bonus notebook's own example and its test's expected ids
    const auto ids = bpe.encode("Jack embraced beauty through art and life.");
    CHECK(ids == std::vector<int64_t>{424, 256, 654, 531, 302, 311, 256, 296, 97,  465,
                                      121, 595, 841, 116, 287, 466, 256, 326, 972, 46});
    CHECK(bpe.decode(ids) == "Jack embraced beauty through art and life.");

    const auto dir = std::filesystem::temp_directory_path();
    bpe.save(dir / "bpe_vocab.json", dir / "bpe_merges.txt");
    const auto loaded = BPETokenizerSimple::load(dir / "bpe_vocab.json", dir / "bpe_merges.txt");
    CHECK(loaded.merges().size() == 742);
    CHECK(loaded.encode("Jack Gisburn rather a cheap genius") ==
          bpe.encode("Jack Gisburn rather a cheap genius"));
    std::filesystem::remove(dir / "bpe_vocab.json");
    std::filesystem::remove(dir / "bpe_merges.txt");
}

TEST_CASE("merging follows the most frequent pair, earliest first occurrence on ties") {
    BPETokenizerSimple bpe;
    // "ab" occurs 3 times, "bc" twice: the first merge is (a, b)
    bpe.train("abcabcab", 256 + 3 + 1 + 1 + 1, {});
    REQUIRE(!bpe.merges().empty());
    CHECK(bpe.token(bpe.merges()[0].first) + bpe.token(bpe.merges()[0].second) == "ab");
    // tie: "xy" and "yz" both once; "xy" occurs first
    BPETokenizerSimple tie;
    tie.train("xyz", 256 + 3 + 1 + 1, {});
    CHECK(tie.token(tie.merges()[0].first) + tie.token(tie.merges()[0].second) == "xy");
}
