// Section 6.3 against the spam-split sets: every text's tokens (count and
// id sum), the padding length, the first rows, the batch counts and the
// first shuffled training batch after torch.manual_seed(123).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unistd.h>

#include "error.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "spam_data.hpp"
#include "spam_dataset.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch06;
namespace fs = std::filesystem;
using nlohmann::json;

TEST_CASE(
    "spam-split sets: SpamDataset's tokens and padding, the loaders' batches, the first shuffled batch") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::SpamSplit)) {
        INFO("spam-split set " << dir.string());
        const json e = json::parse(read_file(dir / "expected.json"));
        const int64_t batch_size = e.at("dataloader").at("batch_size");
        manual_seed(e.at("dataloader").at("seed").get<uint64_t>());
        const SpamLoaders l = create_spam_loaders(dir, batch_size);
        const std::map<std::string, std::pair<const SpamDataset*, const DataLoader<SpamDataset>*>>
            splits{{"train", {l.train_dataset.get(), &l.train_loader}},
                   {"validation", {l.val_dataset.get(), &l.val_loader}},
                   {"test", {l.test_dataset.get(), &l.test_loader}}};
        for (const auto& [name, pair] : splits) {
            INFO(name);
            const auto& [ds, loader] = pair;
            const auto& want = e.at("spam_dataset").at(name);
            CHECK(ds->size() == want.at("rows").get<int64_t>());
            CHECK(ds->max_length == want.at("max_length").get<int64_t>());
            CHECK(ds->encoded_lengths == want.at("encoded_lengths").get<std::vector<int64_t>>());
            const auto sums = want.at("encoded_id_sums").get<std::vector<int64_t>>();
            int64_t truncated = 0;
            for (int64_t n : ds->encoded_lengths) truncated += n > ds->max_length;
            CHECK(truncated == want.at("num_truncated").get<int64_t>());
            const auto first3 =
                want.at("first3_input_ids").get<std::vector<std::vector<int64_t>>>();
            const auto labels3 = want.at("first3_labels").get<std::vector<int64_t>>();
            for (size_t i = 0; i < first3.size(); ++i) {
                CHECK(ds->get(static_cast<int64_t>(i)).ids == first3[i]);
                CHECK(ds->get(static_cast<int64_t>(i)).label == labels3[i]);
            }
            // where nothing is cut, the padded ids minus the padding are the whole text
            for (int64_t i = 0; i < ds->size(); ++i) {
                const auto& ids = ds->encoded_texts[static_cast<size_t>(i)];
                const int64_t n =
                    std::min(ds->encoded_lengths[static_cast<size_t>(i)], ds->max_length);
                if (n < ds->encoded_lengths[static_cast<size_t>(i)]) continue;
                const int64_t s = std::accumulate(ids.begin(), ids.begin() + n, int64_t{0});
                if (s != sums[static_cast<size_t>(i)]) {
                    CHECK_MESSAGE(s == sums[static_cast<size_t>(i)], "row " << i);
                    break;
                }
            }
            CHECK(loader->size() == want.at("num_batches").get<int64_t>());
        }
        // the training loader's first batch after manual_seed: its order comes from
        // the generator's second int64 draw (the first is the iterator's base seed)
        const auto& fb = e.at("first_train_batch");
        const auto batches = l.train_loader.epoch_indices();
        CHECK(batches.at(0) == fb.at("indices").get<std::vector<int64_t>>());
        const auto batch = l.train_loader.make_batch(batches.at(0));
        std::vector<int64_t> ids;
        for (const auto& row : fb.at("input_ids").get<std::vector<std::vector<int64_t>>>())
            ids.insert(ids.end(), row.begin(), row.end());
        CHECK(batch.input_batch.data == ids);
        CHECK(batch.input_batch.shape == Shape{batch_size, l.train_dataset->max_length});
        CHECK(batch.target_batch.data == fb.at("labels").get<std::vector<int64_t>>());
        auto all = l.train_loader.epoch_indices();  // every full batch of a pass, drop_last
        CHECK(static_cast<int64_t>(all.size()) == l.train_dataset->size() / batch_size);
    }
}

TEST_CASE("the book's 6.3 numbers: max length 120, 130 / 19 / 38 batches of [8, 120]") {
    const fs::path dir = fs::temp_directory_path() / ("ch06_split_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // the shipped data through 6.2 (spam_data_test.cpp proves these are the book's files)
    SpamFrame balanced = create_balanced_dataset(
        read_sms_spam_collection(data_dir() / "sms-spam-collection" / "SMSSpamCollection"));
    map_labels(balanced);
    const SpamSplit split = random_split(balanced, 0.7, 0.1);
    write_csv(split.train, dir / "train.csv");
    write_csv(split.validation, dir / "validation.csv");
    write_csv(split.test, dir / "test.csv");
    manual_seed(123);
    const SpamLoaders l = create_spam_loaders(dir);
    CHECK(l.train_dataset->max_length == 120);
    CHECK(l.train_loader.size() == 130);
    CHECK(l.val_loader.size() == 19);
    CHECK(l.test_loader.size() == 38);
    const auto first = l.train_loader.make_batch(l.train_loader.epoch_indices().at(0));
    CHECK(first.input_batch.shape == Shape{8, 120});
    CHECK(first.target_batch.shape == Shape{8});
    // a given max_length cuts texts; one beyond every text pads further
    CHECK(SpamDataset(dir / "test.csv", 10).get(0).ids.size() == 10);
    CHECK(SpamDataset(dir / "test.csv", 1024).get(0).ids.size() == 1024);
    fs::remove_all(dir);
}

TEST_CASE("bad split CSVs and texts without tokens: errors naming the file and line or row") {
    const fs::path dir = fs::temp_directory_path() / ("ch06_badcsv_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path p = dir / "train.csv";
    auto error_for = [&](const std::string& bytes) -> std::string {
        std::ofstream(p, std::ios::binary) << bytes;
        try {
            SpamDataset ds(p);
        } catch (const Error& e) { return e.what(); }
        return "no error";
    };
    const std::string f = p.string();
    CHECK(error_for("Text,Label\n0,hi\n") == f + ": line 1: expected the header Label,Text");
    CHECK(error_for("Label,Text\n") == f + ": no rows after the header");
    CHECK(error_for("Label,Text\n0,hi\n2,there\n") ==
          f + ": line 3: label '2' is not 0 (ham) or 1 (spam)");
    CHECK(error_for("Label,Text\n0,hi,there\n") ==
          f + ": line 2: expected 2 comma-separated fields (Label, Text), got 3");
    CHECK(error_for("Label,Text\n0,hi\n1,\"\"\n") == f + ": row 1: the text encodes to no tokens");
    CHECK(error_for("Label,Text\n0,\"a, b\"\n1,\"say \"\"x\"\"\"\n") == "no error");
    CHECK_THROWS_AS(SpamDataset(p, 0), ValueError);
    fs::remove_all(dir);
}
