#include "testing.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"

namespace llm::testing {

namespace fs = std::filesystem;

std::vector<fs::path> find_fixtures(const std::function<bool(const fs::path&)>& match) {
    const fs::path root = fixtures_dir();
    if (!fs::is_directory(root))
        throw FileError(root.string() + ": fixture directory not found (set LLM_FIXTURES_DIR)");
    std::vector<fs::path> out;
    for (const auto& e :
         fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink))
        if (e.is_regular_file() && match(e.path())) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

// A JSON file's top-level object, or null when the file is not a JSON object.
nlohmann::json json_object(const fs::path& p) {
    try {
        auto j = nlohmann::json::parse(read_file(p));
        return j.is_object() ? j : nlohmann::json();
    } catch (const std::exception&) { return nlohmann::json(); }
}

// The tensor names in a safetensors file's header (without reading the data).
std::vector<std::string> safetensors_names(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    unsigned char len8[8] = {};
    if (!in.read(reinterpret_cast<char*>(len8), 8)) return {};
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = n << 8 | len8[i];
    if (n > (uint64_t{1} << 27)) return {};
    std::string header(n, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(n))) return {};
    std::vector<std::string> names;
    try {
        const auto j = nlohmann::json::parse(header);
        for (auto it = j.begin(); it != j.end(); ++it) names.push_back(it.key());
    } catch (const std::exception&) {}
    return names;
}

bool has_files(const fs::path& dir, std::initializer_list<const char*> names) {
    return std::all_of(names.begin(), names.end(),
                       [&](const char* n) { return fs::is_regular_file(dir / n); });
}

bool is_gpt_model_dir(const fs::path& dir) {
    return has_files(
               dir,
               {"config.json", "weights.safetensors", "expected.json", "expected.safetensors"}) &&
        json_object(dir / "config.json").contains("vocab_size");
}

bool has_tensor(const fs::path& file, std::initializer_list<const char*> any_of) {
    const auto names = safetensors_names(file);
    for (const char* n : any_of)
        if (std::find(names.begin(), names.end(), n) != names.end()) return true;
    return false;
}

bool is_file_kind(FixtureKind kind) {
    switch (kind) {
        case FixtureKind::TorchRng:
        case FixtureKind::NumpyRng:
        case FixtureKind::Gpt2Tokenizer:
        case FixtureKind::BertTokenizer:
        case FixtureKind::BookNumbers: return true;
        default: return false;
    }
}

}  // namespace

const char* fixture_kind_name(FixtureKind kind) {
    switch (kind) {
        case FixtureKind::TorchRng: return "torch RNG";
        case FixtureKind::NumpyRng: return "NumPy RNG";
        case FixtureKind::Gpt2Tokenizer: return "GPT-2 tokenizer";
        case FixtureKind::BertTokenizer: return "BERT tokenizer";
        case FixtureKind::BookNumbers: return "book numbers";
        case FixtureKind::Attention: return "attention";
        case FixtureKind::GptModel: return "GPT model";
        case FixtureKind::GptModelBook: return "GPT model, book layout";
        case FixtureKind::GptModelHf: return "GPT model, HuggingFace layout";
        case FixtureKind::DataLoader: return "data loader";
        case FixtureKind::SpamSplit: return "spam split";
        case FixtureKind::Classifier: return "classifier";
        case FixtureKind::Instruction: return "instruction";
        case FixtureKind::Lora: return "LoRA";
    }
    return "?";
}

bool is_fixture_set(FixtureKind kind, const fs::path& p) {
    auto stem_with = [&](const char* suffix) {
        const std::string s = p.string();
        return fs::is_regular_file(s.substr(0, s.size() - 4) + suffix);
    };
    switch (kind) {
        case FixtureKind::TorchRng:
            return p.extension() == ".json" && json_object(p).contains("cases");
        case FixtureKind::NumpyRng:
            return p.extension() == ".json" && json_object(p).contains("numpy_cases");
        case FixtureKind::Gpt2Tokenizer:
            return p.extension() == ".txt" && stem_with(".gpt2.ids") &&
                stem_with(".gpt2-ordinary.ids");
        case FixtureKind::BertTokenizer: return p.extension() == ".txt" && stem_with(".bert.ids");
        case FixtureKind::BookNumbers: return p.filename() == "book_numbers.json";
        case FixtureKind::Attention: {
            if (!has_files(p, {"config.json", "expected.json"})) return false;
            const auto c = json_object(p / "config.json");
            if (c.empty() || !std::all_of(c.begin(), c.end(), [](const auto& e) {
                    return e.is_object() && e.contains("class");
                }))
                return false;
            for (const auto& e : fs::directory_iterator(p))
                if (e.path().filename().string().starts_with("weights_") &&
                    e.path().extension() == ".safetensors")
                    return true;
            return false;
        }
        case FixtureKind::GptModel: return is_gpt_model_dir(p);
        case FixtureKind::GptModelBook:
            return is_gpt_model_dir(p) && has_tensor(p / "weights.safetensors", {"tok_emb.weight"});
        case FixtureKind::GptModelHf:
            return is_gpt_model_dir(p) &&
                has_tensor(p / "weights.safetensors", {"wte.weight", "transformer.wte.weight"});
        case FixtureKind::DataLoader:
            return has_files(p, {"config.json", "expected.json"}) &&
                json_object(p / "expected.json").contains("bs1_len4_stride1");
        case FixtureKind::SpamSplit:
            return has_files(p, {"train.csv", "validation.csv", "test.csv", "expected.json"}) &&
                !fs::exists(p / "config.json") &&
                json_object(p / "expected.json").contains("random_split");
        case FixtureKind::Classifier:
            return has_files(p,
                             {"classifier.json", "config.json", "weights.safetensors",
                              "expected.safetensors", "train.csv", "validation.csv", "test.csv"});
        case FixtureKind::Instruction:
            return has_files(
                p,
                {"instruction.json", "config.json", "weights.safetensors", "expected.safetensors"});
        case FixtureKind::Lora:
            return has_files(p,
                             {"lora.json", "config.json", "weights.safetensors",
                              "expected.safetensors", "train.csv", "validation.csv", "test.csv"});
    }
    return false;
}

std::vector<fs::path> fixture_sets(FixtureKind kind) { return fixture_sets(kind, fixtures_dir()); }

std::vector<fs::path> fixture_sets(FixtureKind kind, const fs::path& root) {
    if (!fs::is_directory(root))
        throw FileError(root.string() + ": fixture directory not found (set LLM_FIXTURES_DIR)");
    std::vector<fs::path> out;
    const bool files = is_file_kind(kind);
    if (!files && is_fixture_set(kind, root)) out.push_back(root);
    for (const auto& e :
         fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink))
        if ((files ? e.is_regular_file() : e.is_directory()) && is_fixture_set(kind, e.path()))
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    if (out.empty())
        throw FileError(std::string("found no ") + fixture_kind_name(kind) + " fixture set under " +
                        root.string());
    for (const auto& p : out)
        std::printf("fixture set [%s]: %s\n", fixture_kind_name(kind), p.c_str());
    std::fflush(stdout);
    return out;
}

Closeness all_close(const std::vector<float>& got, const std::vector<float>& expected, double atol,
                    double rtol) {
    Closeness c;
    if (got.size() != expected.size()) {
        c.ok = false;
        c.message = "size " + std::to_string(got.size()) + " != expected " +
            std::to_string(expected.size());
        return c;
    }
    double worst = 0;
    size_t where = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        const double d = std::fabs(static_cast<double>(got[i]) - expected[i]);
        const double excess = d - (atol + rtol * std::fabs(static_cast<double>(expected[i])));
        if (excess > 0 || std::isnan(got[i]) != std::isnan(expected[i])) {
            if (c.ok || excess > worst) {
                worst = excess;
                where = i;
            }
            c.ok = false;
        }
    }
    if (!c.ok) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "element %zu: got %.8g, expected %.8g", where,
                      static_cast<double>(got[where]), static_cast<double>(expected[where]));
        c.message = buf;
    }
    return c;
}

Closeness all_close(const Tensor& got, const std::vector<float>& expected, double atol,
                    double rtol) {
    return all_close(got.to_vector(), expected, atol, rtol);
}

std::string gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                      std::vector<Tensor> inputs, double eps, double atol, double rtol) {
    Generator gen(1234);
    Tensor probe;
    {
        NoGradGuard ng;
        probe = rand(f(inputs).shape(), gen) + (-0.5f);  // fixed random projection of the output
    }
    for (auto& x : inputs) {
        x.zero_grad();
        x.requires_grad_(true);
    }
    sum(mul(f(inputs), probe)).backward();
    auto objective = [&]() {
        NoGradGuard ng;
        const Tensor y = f(inputs);
        double s = 0;
        for (int64_t i = 0; i < y.numel(); ++i)
            s += static_cast<double>(y.data()[i]) * probe.data()[i];
        return s;
    };
    for (size_t k = 0; k < inputs.size(); ++k) {
        Tensor x = inputs[k];
        const Tensor g = x.grad();
        for (int64_t i = 0; i < x.numel(); ++i) {
            const float saved = x.data()[i];
            x.data()[i] = saved + static_cast<float>(eps);
            const double up = objective();
            x.data()[i] = saved - static_cast<float>(eps);
            const double down = objective();
            x.data()[i] = saved;
            const double numeric = (up - down) / (2 * eps);
            const double analytic = g.defined() ? g.data()[i] : 0.0;
            if (std::fabs(numeric - analytic) > atol + rtol * std::fabs(numeric)) {
                char buf[200];
                std::snprintf(buf, sizeof buf,
                              "input %zu element %lld: autograd %.6g, finite difference %.6g", k,
                              static_cast<long long>(i), analytic, numeric);
                return buf;
            }
        }
    }
    return "";
}

std::vector<int64_t> read_ids(const std::filesystem::path& path) {
    const std::string text = read_file(path);
    std::istringstream words(text);
    std::vector<int64_t> ids;
    for (std::string word; words >> word;) {
        int64_t id = 0;
        const char* end = word.data() + word.size();
        if (const auto [next, ec] = std::from_chars(word.data(), end, id);
            ec != std::errc() || next != end)
            throw FormatError(path.string() + ": '" + word + "' is not a token id");
        ids.push_back(id);
    }
    return ids;
}

std::vector<Gpt2TokenizerSet> gpt2_tokenizer_sets() {
    std::vector<Gpt2TokenizerSet> sets;
    for (const auto& t : fixture_sets(FixtureKind::Gpt2Tokenizer)) {
        Gpt2TokenizerSet set;
        set.text_file = t;
        set.text = read_file(t);
        const std::string stem = t.string().substr(0, t.string().size() - 4);  // X.txt -> X
        if ((set.has_ids = std::filesystem::exists(stem + ".gpt2.ids")))
            set.ids = read_ids(stem + ".gpt2.ids");
        if ((set.has_ordinary_ids = std::filesystem::exists(stem + ".gpt2-ordinary.ids")))
            set.ordinary_ids = read_ids(stem + ".gpt2-ordinary.ids");
        sets.push_back(std::move(set));
    }
    return sets;
}

std::filesystem::path project_path(const std::string& relative) {
    const std::filesystem::path p(relative);
    return p.is_relative() ? data_dir().parent_path() / p : p;
}

}  // namespace llm::testing
