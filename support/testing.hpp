// Helpers for the doctest checks: fixture discovery, approximate
// comparison, and the finite-difference gradient checker.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace llm::testing {

// Every file under the fixture root (recursively) for which match(path) holds,
// sorted. Throws when the fixture root does not exist.
std::vector<std::filesystem::path> find_fixtures(
    const std::function<bool(const std::filesystem::path&)>& match);

// The kinds of fixture set that data/fixtures/README.md describes, each
// recognised by its files alone (names of folders and files are not part of
// the contract, so sets may be nested or renamed).
enum class FixtureKind {
    TorchRng,  // *.json with top-level "cases"
    NumpyRng,  // *.json with top-level "numpy_cases"
    Gpt2Tokenizer,  // X.txt next to X.gpt2.ids and X.gpt2-ordinary.ids (the set is X.txt)
    BertTokenizer,  // X.txt next to X.bert.ids (the set is X.txt)
    BookNumbers,  // book_numbers.json
    Attention,  // config.json whose entries name a "class", expected.json, weights_*.safetensors
    GptModel,  // config.json with vocab_size, weights.safetensors, expected.json, expected.safetensors
    GptModelBook,  //   ... in the book's state_dict layout
    GptModelHf,  //   ... in HuggingFace GPT-2's layout
    DataLoader,  // config.json and expected.json with "bs1_len4_stride1"
    SpamSplit,  // train/validation/test.csv and expected.json with "random_split", no config.json
    Classifier,  // classifier.json next to config.json, weights.safetensors, expected.safetensors, the CSVs
    Instruction,  // instruction.json next to config.json, weights.safetensors, expected.safetensors
    Lora,  // lora.json next to config.json, weights.safetensors, expected.safetensors, the CSVs
};
inline constexpr FixtureKind kAllFixtureKinds[] = {
    FixtureKind::TorchRng,      FixtureKind::NumpyRng,     FixtureKind::Gpt2Tokenizer,
    FixtureKind::BertTokenizer, FixtureKind::BookNumbers,  FixtureKind::Attention,
    FixtureKind::GptModel,      FixtureKind::GptModelBook, FixtureKind::GptModelHf,
    FixtureKind::DataLoader,    FixtureKind::SpamSplit,    FixtureKind::Classifier,
    FixtureKind::Instruction,   FixtureKind::Lora};
const char* fixture_kind_name(FixtureKind kind);
// Whether the file or folder `path` is a set of the kind.
bool is_fixture_set(FixtureKind kind, const std::filesystem::path& path);
// Every set of the kind under `root` (recursively, sorted): the file for the
// one-file kinds, the folder otherwise. Prints one line per set found
// ("fixture set [kind]: path") so a test's output names what it checked;
// throws FileError "found no <kind> fixture set under ROOT" when there is none.
std::vector<std::filesystem::path> fixture_sets(FixtureKind kind);
std::vector<std::filesystem::path> fixture_sets(FixtureKind kind,
                                                const std::filesystem::path& root);

// A path a fixture set names relative to the project root (the folder
// above data/); absolute paths are kept.
std::filesystem::path project_path(const std::string& relative);

// The ids of a tokenizer fixture's .ids file (whitespace-separated
// decimals); FormatError naming the file and the word that is not one.
std::vector<int64_t> read_ids(const std::filesystem::path& path);

// One GPT-2 tokenizer set: X.txt and the ids files next to it (each read
// when present): tiktoken's encode with <|endoftext|> allowed (X.gpt2.ids)
// and its encode_ordinary (X.gpt2-ordinary.ids).
struct Gpt2TokenizerSet {
    std::filesystem::path text_file;
    std::string text;
    bool has_ids = false, has_ordinary_ids = false;
    std::vector<int64_t> ids, ordinary_ids;
};
// Every such set under the fixture root (fixture_sets' rules and messages).
std::vector<Gpt2TokenizerSet> gpt2_tokenizer_sets();

// One number: |got - expected| <= atol + rtol * |expected| (the fixture
// READMEs' rule; their usual tolerances are the defaults).
inline bool close(double got, double expected, double atol = 1e-5, double rtol = 1e-4) {
    return (got > expected ? got - expected : expected - got) <=
        atol + rtol * (expected < 0 ? -expected : expected);
}

// |got - expected| <= atol + rtol * |expected|, elementwise; on failure the
// message says where and by how much.
struct Closeness {
    bool ok = true;
    std::string message;
};
Closeness all_close(const std::vector<float>& got, const std::vector<float>& expected, double atol,
                    double rtol);
Closeness all_close(const Tensor& got, const std::vector<float>& expected, double atol,
                    double rtol);

// Finite-difference gradient check of f (which returns any tensor) at the
// inputs: compares autograd's gradient of sum(f(x) * w), for a fixed random
// w, with central differences (f(x + eps) - f(x - eps)) / 2eps, computed in
// double from float32 evaluations. Returns an empty string when all match.
std::string gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                      std::vector<Tensor> inputs, double eps = 1e-2, double atol = 2e-3,
                      double rtol = 2e-2);

}  // namespace llm::testing
