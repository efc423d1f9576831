// The fixture-set finder itself: each kind finds its own sets and, on a
// folder holding only a set of another kind, fails saying it found none.
#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

#include "error.hpp"
#include "paths.hpp"
#include "book_output.hpp"
#include "testing.hpp"

using namespace llm;
using testing::FixtureKind;
namespace fs = std::filesystem;

namespace {
// A GPT model set in one layout is also a set of the layout-free kind.
bool nested(FixtureKind a, FixtureKind b) {
    auto layout = [](FixtureKind k) {
        return k == FixtureKind::GptModelBook || k == FixtureKind::GptModelHf;
    };
    return (a == FixtureKind::GptModel && layout(b)) || (b == FixtureKind::GptModel && layout(a));
}
}  // namespace

TEST_CASE("fixture kinds: a folder with only another kind's set gives 'found no ... fixture set'") {
    const fs::path tmp =
        fs::temp_directory_path() / ("llm_fixture_kinds_" + std::to_string(::getpid()));
    int kinds = 0;
    for (const FixtureKind kind : testing::kAllFixtureKinds) {
        if (kind == FixtureKind::GptModel) continue;  // covered by its two layouts
        std::vector<fs::path> sets;
        try {
            sets = testing::fixture_sets(kind);
        } catch (const FileError&) { continue; }  // none here to borrow
        INFO("one " << std::string(testing::fixture_kind_name(kind))
                    << " set alone: " << sets.front().string());
        fs::remove_all(tmp);
        fs::create_directories(tmp);
        const fs::path set = sets.front();
        if (fs::is_directory(set)) {
            fs::create_directory_symlink(fs::absolute(set), tmp / "set");
        } else {  // a file kind: the file, and for a tokenizer text its own id files
            std::vector<std::string> with{""};
            if (kind == FixtureKind::Gpt2Tokenizer) with = {"", ".gpt2.ids", ".gpt2-ordinary.ids"};
            if (kind == FixtureKind::BertTokenizer) with = {"", ".bert.ids"};
            const std::string stem =
                set.string().substr(0, set.string().size() - set.extension().string().size());
            for (const auto& suffix : with) {
                const fs::path f = suffix.empty() ? set : fs::path(stem + suffix);
                fs::create_symlink(fs::absolute(f), tmp / f.filename());
            }
        }
        CHECK(testing::fixture_sets(kind, tmp).size() == 1);
        for (const FixtureKind other : testing::kAllFixtureKinds) {
            if (other == kind || nested(kind, other)) continue;
            INFO("looking for " << std::string(testing::fixture_kind_name(other)));
            CHECK_THROWS_WITH_AS(
                testing::fixture_sets(other, tmp),
                doctest::Contains(
                    (std::string("found no ") + testing::fixture_kind_name(other)).c_str()),
                FileError);
        }
        ++kinds;
    }
    fs::remove_all(tmp);
    CHECK(kinds >= 10);  // every kind data/fixtures/README.md lists ships a set
}

TEST_CASE("a book block matches up to float32 round-off, and only that") {
    using llm::testing::round_off_match;
    const std::string book = "tensor(48725.8203)\n";
    std::string why;
    // a last digit moved by another summation order: found, and named
    CHECK(round_off_match("x\ntensor(48725.9141)\n", 0, book, 1e-5, why) == 2);
    CHECK(why == " book 48725.8203, here 48725.9141;");
    // off by 2e-5 relative, or other text around the same number: not found
    CHECK(round_off_match("tensor(48726.8203)\n", 0, book, 1e-5, why) == std::string::npos);
    CHECK(round_off_match("Tensor(48725.8203)\n", 0, book, 1e-5, why) == std::string::npos);
    // before `from` does not count
    CHECK(round_off_match("tensor(48725.9141)\n", 1, book, 1e-5, why) == std::string::npos);
    // integers stay exact: a block without decimals never matches this way
    CHECK(round_off_match("[1, 2]\n", 0, "[1, 3]\n", 1e-5, why) == std::string::npos);
}

TEST_CASE(
    "read_ids: whitespace-separated ids; a word that is not one names the file and the word") {
    const fs::path dir = fs::temp_directory_path() / ("llm-read-ids-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    write_file_atomic(dir / "good.ids", "15496 11\n 314\t716\n");
    CHECK(testing::read_ids(dir / "good.ids") == std::vector<int64_t>{15496, 11, 314, 716});
    write_file_atomic(dir / "empty.ids", " \n");
    CHECK(testing::read_ids(dir / "empty.ids").empty());
    write_file_atomic(dir / "bad.ids", "1 2 3x 4\n");
    CHECK_THROWS_WITH_AS(testing::read_ids(dir / "bad.ids"),
                         doctest::Contains("bad.ids: '3x' is not a token id"), FormatError);
    fs::remove_all(dir);
}
