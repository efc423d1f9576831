// encode_ordinary_parallel gives tiktoken's ids: every tokenizer fixture text
// encoded in parts as small as the cutting rule allows, against the ids
// tiktoken wrote for the whole text; and the places where cutting would be
// wrong are never cut.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "encode_parallel.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "testing.hpp"
#include "utf8.hpp"

using namespace llm;
using namespace llm::ch02;
namespace fs = std::filesystem;

TEST_CASE("encode_ordinary_parallel: tiktoken's ids for every fixture text, cut into small parts") {
    int checked = 0;
    for (const auto& set : testing::gpt2_tokenizer_sets()) {
        if (!set.has_ordinary_ids) continue;
        const std::string& text = set.text;
        const auto& t = set.text_file;
        const auto& expected = set.ordinary_ids;
        const bool with_special = set.has_ids;
        const auto& expected_special = with_special ? set.ids : expected;
        for (size_t part : {size_t{1}, size_t{64}, size_t{4096}}) {
            INFO(t.string() << ", parts of about " << part << " bytes ("
                            << safe_cuts(text, part).size() << " cuts)");
            CHECK(encode_ordinary_parallel(gpt2_tokenizer(), text, part) == expected);
            if (with_special)
                CHECK(encode_parallel(gpt2_tokenizer(), text, {"<|endoftext|>"}, part) ==
                      expected_special);
        }
        ++checked;
        MESSAGE("parallel encoding checked on " << t.string());
    }
    CHECK(checked > 0);
}

TEST_CASE("safe_cuts: only after a line break between two visible ASCII characters") {
    // 'a \nb' (space before the break), 'a\n b', 'a\n\nb', CRLF, a break after
    // a multi-byte character: none of them is a place to cut.
    const std::string text = "a \nb a\n b a\n\nb a\r\nb \xc3\xa9\nb x\ny";
    const auto cuts = safe_cuts(text, 1);
    REQUIRE(cuts.size() == 1);
    CHECK(text.substr(cuts[0]) == "y");
    CHECK(encode_ordinary_parallel(gpt2_tokenizer(), text, 1) ==
          gpt2_tokenizer().encode_ordinary(text));
    CHECK(safe_cuts("no line breaks at all", 1).empty());
}

TEST_CASE(
    "encode_parts: invalid UTF-8 in any part names the whole text's offset; every valid part's ids") {
    std::string text;
    for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + " caf\xc3\xa9.\n";
    const auto bounds = part_bounds(text, 64);
    REQUIRE(bounds.size() > 10);
    std::string bad = text;
    bad[bounds[7] + 8] = '\xff';
    std::vector<int> seen(bounds.size() - 1, 0);
    CHECK_THROWS_WITH_AS(
        encode_parts(
            gpt2_tokenizer(), bad, bounds, nullptr,
            [&](size_t k, std::vector<int64_t>&) { seen[k] = 1; }, "notes.txt"),
        ("notes.txt: invalid UTF-8 at byte offset " + std::to_string(bounds[7] + 8)).c_str(),
        FormatError);
    CHECK(seen[7] == 0);
    CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(seen.size()) - 1);
}
