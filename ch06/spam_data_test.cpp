// Section 6.2 against the spam-split fixture sets (the book's own code run
// with pandas and NumPy) and against what the book prints.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "error.hpp"
#include "paths.hpp"
#include "spam_data.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch06;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::map<std::string, int64_t> counts(const SpamFrame& df) {
    std::map<std::string, int64_t> c;
    for (const auto& l : df.label) ++c[l];
    return c;
}

}  // namespace

TEST_CASE(
    "spam-split sets: the rows pandas reads, the balanced sample, random_split and the CSVs byte for byte") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::SpamSplit)) {
        INFO("spam-split set " << dir.string());
        const json e = json::parse(read_file(dir / "expected.json"));
        const SpamFrame df =
            read_sms_spam_collection(testing::project_path(e.at("source").at("file")));
        // pd.read_csv: rows, counts, and every row pandas' quoting changed
        CHECK(df.size() == e.at("read").at("rows").get<int64_t>());
        CHECK(counts(df) == e.at("read").at("value_counts").get<std::map<std::string, int64_t>>());
        for (const auto& r : e.at("read").at("rows_changed_by_quoting")) {
            const auto row = r.at("row").get<size_t>();
            INFO("row " << row);
            REQUIRE(row < df.text.size());
            CHECK(df.label[row] == r.at("label").get<std::string>());
            CHECK(df.text[row] == r.at("text").get<std::string>());
        }
        // create_balanced_dataset: the ham rows sample() keeps, in its order, then all spam
        SpamFrame balanced = create_balanced_dataset(df);
        const auto& b = e.at("balanced");
        CHECK(balanced.size() == b.at("rows").get<int64_t>());
        CHECK(counts(balanced) == b.at("value_counts").get<std::map<std::string, int64_t>>());
        auto ham_index = b.at("ham_sample_index").get<std::vector<int64_t>>();
        const auto spam_index = b.at("spam_index").get<std::vector<int64_t>>();
        ham_index.insert(ham_index.end(), spam_index.begin(), spam_index.end());
        CHECK(balanced.index == ham_index);
        map_labels(balanced);
        // random_split: the shuffled order, the sizes and the labels of each part
        const auto& rs = e.at("random_split");
        const SpamSplit split = random_split(balanced, rs.at("train_frac").get<double>(),
                                             rs.at("validation_frac").get<double>());
        std::vector<int64_t> shuffled;
        for (const SpamFrame* part : {&split.train, &split.validation, &split.test})
            for (int64_t i = 0; i < part->size(); ++i)
                shuffled.push_back(balanced.take(rs.at("permutation").get<std::vector<int64_t>>())
                                       .index[static_cast<size_t>(shuffled.size())]);
        CHECK(balanced.take(rs.at("permutation").get<std::vector<int64_t>>()).index ==
              rs.at("shuffled_index").get<std::vector<int64_t>>());
        const std::map<std::string, const SpamFrame*> parts{
            {"train", &split.train}, {"validation", &split.validation}, {"test", &split.test}};
        for (const auto& [name, part] : parts) {
            INFO(name);
            CHECK(part->size() == rs.at("sizes").at(name).get<int64_t>());
            CHECK(counts(*part) ==
                  rs.at("label_counts").at(name).get<std::map<std::string, int64_t>>());
            // to_csv(index=None), byte for byte against the file pandas wrote
            const fs::path csv = dir / e.at("csv").at(name).at("file").get<std::string>();
            const std::string ours = to_csv(*part);
            CHECK(ours.size() == e.at("csv").at(name).at("bytes").get<size_t>());
            CHECK_MESSAGE(ours == read_file(csv), csv.string() << " differs from what we write");
        }
    }
}

TEST_CASE("the book's counts (6.2): 5572 rows, 4825 / 747, 747 / 747, 1045 / 149 / 300") {
    const SpamFrame df =
        read_sms_spam_collection(data_dir() / "sms-spam-collection" / "SMSSpamCollection");
    // (the frames as pandas prints them: ch06/book_output_test.cpp, against the book)
    CHECK(value_counts_repr(df) ==
          "Label\nham     4825\nspam     747\nName: count, dtype: int64\n");
    SpamFrame balanced = create_balanced_dataset(df);
    CHECK(value_counts_repr(balanced) ==
          "Label\nham     747\nspam    747\nName: count, dtype: int64\n");
    map_labels(balanced);
    CHECK(balanced.index.front() == 4307);  // the book's first and last index labels
    CHECK(balanced.index.back() == 5567);
    const SpamSplit split = random_split(balanced, 0.7, 0.1);
    CHECK(split.train.size() == 1045);
    CHECK(split.validation.size() == 149);
    CHECK(split.test.size() == 300);
}

TEST_CASE("a data file that is not the SMS Spam Collection's TSV: an error naming file and line") {
    const fs::path dir = fs::temp_directory_path() / ("ch06_bad_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto error_for = [&](const std::string& bytes) -> std::string {
        const fs::path p = dir / "bad.tsv";
        std::ofstream(p, std::ios::binary) << bytes;
        try {
            read_sms_spam_collection(p);
        } catch (const FormatError& e) { return e.what(); }
        return "no error";
    };
    const std::string file = (dir / "bad.tsv").string();
    CHECK(error_for("") == file + ": no rows (an empty file?)");
    CHECK(error_for("ham\thi\nspam\tone\ttwo\n") ==
          file + ": line 2: expected 2 tab-separated fields (label, text), got 3");
    CHECK(error_for("ham\thi\njunk\n") ==
          file + ": line 2: expected 2 tab-separated fields (label, text), got 1");
    CHECK(error_for("ham\thi\neggs\tthere\n") ==
          file + ": line 2: unknown label 'eggs' (expected ham or spam)");
    CHECK(error_for("ham\thi\nham\t\"never closed\n") ==
          file + ": line 2: a quote opens a field and never closes");
    CHECK(error_for("ham\thi\nham\t\xff\xfe\n") == file + ": byte 11 (line 2) is not valid UTF-8");
    CHECK_THROWS_AS(read_sms_spam_collection(dir / "missing.tsv"), FileError);
    // blank lines are skipped and a CRLF line end is a line end, as for pandas
    const fs::path ok = dir / "ok.tsv";
    std::ofstream(ok, std::ios::binary) << "ham\tone\r\n\nspam\t\"two\" words\n";
    const SpamFrame df = read_sms_spam_collection(ok);
    CHECK(df.text == std::vector<std::string>{"one", "two words"});
    fs::remove_all(dir);
}

TEST_CASE("to_csv quotes as Python's csv module does (QUOTE_MINIMAL)") {
    SpamFrame df;
    df.index = {0, 1, 2, 3};
    df.label = {"0", "1", "0", "1"};
    df.text = {"plain, with comma", "say \"hi\"", " spaces kept ", "two\nlines"};
    CHECK(
        to_csv(df) ==
        "Label,Text\n0,\"plain, with comma\"\n1,\"say \"\"hi\"\"\"\n0, spaces kept \n1,\"two\nlines\"\n");
}
