// The data loader against fixtures/dataloader (PyTorch running the book's
// create_dataloader_v1), and the embedding section's seeded numbers.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "embeddings.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch02;
namespace fs = std::filesystem;

namespace {
std::vector<std::vector<int64_t>> rows(const IntTensor& t) {
    std::vector<std::vector<int64_t>> out;
    const int64_t T = t.size(-1);
    for (int64_t r = 0; r < t.numel() / T; ++r)
        out.emplace_back(t.data.begin() + r * T, t.data.begin() + (r + 1) * T);
    return out;
}
// Python's text[:n] / text[n:] on a UTF-8 string: n counts code points.
size_t byte_index_of_char(const std::string& s, size_t n) {
    size_t i = 0;
    for (; i < s.size() && n; ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n-- == 0) break;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    return i;
}
}  // namespace

TEST_CASE("dataloader fixtures: the book's batches and the chapter 5 split, exactly") {
    const auto dirs = testing::fixture_sets(testing::FixtureKind::DataLoader);
    int sets = 0;
    for (const auto& d : dirs) {
        const auto expected = nlohmann::json::parse(read_file(d / "expected.json"));
        const auto config = nlohmann::json::parse(read_file(d / "config.json"));
        INFO("fixture set " << d.string());
        fs::path text_path = config["text"].get<std::string>();
        if (text_path.is_relative()) text_path = data_dir().parent_path() / text_path;
        const std::string text = read_file(text_path);
        CHECK(text.size() == expected["text_chars"].get<size_t>());
        const auto ids = gpt2_tokenizer().encode(text, {"<|endoftext|>"});
        CHECK(ids.size() == expected["text_tokens"].get<size_t>());
        const auto ex = expected["tokenizer_example"];
        CHECK(gpt2_tokenizer().encode(ex["text"].get<std::string>(), {"<|endoftext|>"}) ==
              ex["ids"].get<std::vector<int64_t>>());

        const auto& a = expected["bs1_len4_stride1"];
        auto loader =
            create_dataloader_v1(text, a["args"]["batch_size"], a["args"]["max_length"],
                                 a["args"]["stride"], a["args"]["shuffle"], a["args"]["drop_last"]);
        CHECK(loader.size() == a["num_batches"].get<int64_t>());
        const auto batches = loader.batches();
        for (int k = 0; k < 2; ++k) {
            CHECK(rows(batches[k].inputs) ==
                  a["first_two_batches"][k]["inputs"].get<std::vector<std::vector<int64_t>>>());
            CHECK(rows(batches[k].targets) ==
                  a["first_two_batches"][k]["targets"].get<std::vector<std::vector<int64_t>>>());
        }
        const auto& b = expected["bs8_len4_stride4"];
        auto loader8 =
            create_dataloader_v1(text, b["args"]["batch_size"], b["args"]["max_length"],
                                 b["args"]["stride"], b["args"]["shuffle"], b["args"]["drop_last"]);
        CHECK(loader8.size() == b["num_batches"].get<int64_t>());
        const auto first = loader8.batches()[0];
        CHECK(rows(first.inputs) ==
              b["first_batch"]["inputs"].get<std::vector<std::vector<int64_t>>>());
        CHECK(rows(first.targets) ==
              b["first_batch"]["targets"].get<std::vector<std::vector<int64_t>>>());

        const auto& s = expected["ch05_split"];
        const size_t cut = byte_index_of_char(text, s["split_idx_chars"].get<size_t>());
        const std::string train = text.substr(0, cut), val = text.substr(cut);
        CHECK(gpt2_tokenizer().encode(train, {"<|endoftext|>"}).size() ==
              s["train_text_tokens"].get<size_t>());
        CHECK(gpt2_tokenizer().encode(val, {"<|endoftext|>"}).size() ==
              s["val_text_tokens"].get<size_t>());
        for (const char* part : {"train", "val"}) {
            const auto& p = s[part];
            auto l = create_dataloader_v1(std::string(part) == "train" ? train : val,
                                          p["args"]["batch_size"], p["args"]["max_length"],
                                          p["args"]["stride"], p["args"]["shuffle"],
                                          p["args"]["drop_last"]);
            CHECK(l.dataset().size() == p["num_samples"].get<int64_t>());
            CHECK(l.size() == p["num_batches"].get<int64_t>());
            int64_t tokens = 0;
            std::vector<std::vector<int64_t>> shapes;
            for (const auto& batch : l.batches()) {
                tokens += batch.inputs.numel();
                shapes.push_back(batch.inputs.shape);
            }
            CHECK(tokens == p["tokens_in_batches"].get<int64_t>());
            CHECK(shapes == p["batch_shapes"].get<std::vector<std::vector<int64_t>>>());
        }
        ++sets;
        MESSAGE("data loader fixture set: " << d.string());
    }
    CHECK_MESSAGE(sets > 0, "no dataloader fixture set found under " << fixtures_dir());
}

TEST_CASE("a text too short for one window is a clear error") {
    CHECK_THROWS_WITH_AS(create_dataloader_v1("Hello world", 1, 4, 1), doctest::Contains("too few"),
                         ValueError);
    CHECK_THROWS_WITH_AS(create_dataloader_v1("", 1, 4, 1), doctest::Contains("empty"), ValueError);
}

TEST_CASE(
    "2.7 Embedding(6, 3) after manual_seed(123) holds the book's weights; lookup picks rows") {
    manual_seed(123);
    Embedding emb(6, 3);
    CHECK(testing::all_close(emb.weight,
                             {0.3374f, -0.1778f, -0.1690f, 0.9178f, 1.5810f, 1.3010f, 1.2753f,
                              -0.2010f, -0.1606f, -0.4015f, 0.9666f, -1.1481f, -1.1589f, 0.3255f,
                              -0.6315f, -2.8400f, -0.7849f, -1.4096f},
                             5e-5, 0)
              .ok);
    const Tensor picked = emb.forward(IntTensor({4}, {2, 3, 5, 1}));
    CHECK(picked.shape() == Shape{4, 3});
    CHECK(testing::all_close(picked,
                             {1.2753f, -0.2010f, -0.1606f, -0.4015f, 0.9666f, -1.1481f, -2.8400f,
                              -0.7849f, -1.4096f, 0.9178f, 1.5810f, 1.3010f},
                             5e-5, 0)
              .ok);
}

TEST_CASE("2.8 token plus positional embeddings: [8, 4, 256]") {
    auto loader = create_dataloader_v1(read_file(data_dir() / "the-verdict.txt"), 8, 4, 4, false);
    const auto batch = loader.batches()[0];
    CHECK(batch.inputs.shape == Shape{8, 4});
    Embedding tok(50257, 256), pos(4, 256);
    CHECK(tok.forward(batch.inputs).shape() == Shape{8, 4, 256});
    CHECK(pos.forward(IntTensor({4}, {0, 1, 2, 3})).shape() == Shape{4, 256});
    const Tensor x = input_embeddings(tok, pos, batch.inputs);
    CHECK(x.shape() == Shape{8, 4, 256});
    // row (1, 2) = token row of inputs[1][2] + position row 2
    const int64_t id = batch.inputs.data[1 * 4 + 2];
    for (int64_t d = 0; d < 256; d += 51)
        CHECK(x.at({1, 2, d}) == doctest::Approx(tok.weight.at({id, d}) + pos.weight.at({2, d})));
}
