// Expected values: the book's exercise 2.1 ids (also in the tokenizer
// fixture book_numbers.json), and for 2.2 the windows cut from tiktoken's
// first ids of the-verdict (fixture first_50_ids) with batch counts that
// follow from its 5145 tokens: samples = ceil((5145 - max_length) / stride),
// batches = samples / batch_size (drop_last).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "exercises.hpp"
#include "paths.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch02::exercises;

namespace {
std::vector<int64_t> tiktoken_first_50() {
    const auto files = testing::fixture_sets(testing::FixtureKind::BookNumbers);
    return nlohmann::json::parse(read_file(files[0]))["the_verdict"]["first_50_ids"]
        .get<std::vector<int64_t>>();
}
void check_windows(int64_t max_length, int64_t stride, int64_t expected_batches) {
    const auto ids = tiktoken_first_50();
    const auto s = loader_summary(read_file(data_dir() / "the-verdict.txt"), 4, max_length, stride);
    CHECK(s.num_batches == expected_batches);
    REQUIRE(s.first_inputs.size() == 4);
    for (int64_t r = 0; r < 4; ++r)
        CHECK(
            s.first_inputs[static_cast<size_t>(r)] ==
            std::vector<int64_t>(ids.begin() + r * stride, ids.begin() + r * stride + max_length));
}
}  // namespace

TEST_CASE("Exercise 2.1: byte pair encoding of unknown words") {
    const auto pieces = bpe_pieces("Akwirw ier");
    CHECK(pieces == std::vector<std::string>{"Ak", "w", "ir", "w", " ", "ier"});
    std::string joined;
    for (const auto& p : pieces) joined += p;
    CHECK(joined == "Akwirw ier");
}

TEST_CASE("Exercise 2.2: data loaders with different strides and context sizes") {
    check_windows(2, 2, 2572 / 4);  // ceil(5143 / 2) = 2572 samples
    check_windows(8, 2, 2569 / 4);  // ceil(5137 / 2) = 2569 samples
}
