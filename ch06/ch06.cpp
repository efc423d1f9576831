// Chapter 6: finetuning for classification. The chapter in the book's order:
// `ch06` walks through what is built so far (6.2 and 6.3); `ch06 prepare` writes the
// book's three CSV files.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "blas.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "spam_data.hpp"
#include "spam_dataset.hpp"
#include "walkthrough.hpp"

using namespace llm;
using namespace llm::ch06;
namespace fs = std::filesystem;

namespace {

// Section 6.2 from the raw file to the three CSVs; prints what the book prints.
SpamSplit prepare(const fs::path& data, const fs::path& out, bool verbose) {
    const SpamFrame df = read_sms_spam_collection(data);
    if (verbose) std::cout << frame_repr(df) << value_counts_repr(df);
    SpamFrame balanced = create_balanced_dataset(df);
    if (verbose) std::cout << value_counts_repr(balanced);
    map_labels(balanced);
    if (verbose) std::cout << frame_repr(balanced);
    SpamSplit split = random_split(balanced, 0.7, 0.1);
    fs::create_directories(out);
    write_csv(split.train, out / "train.csv");
    write_csv(split.validation, out / "validation.csv");
    write_csv(split.test, out / "test.csv");
    std::printf("wrote %s, %s and %s: %ld / %ld / %ld rows\n", (out / "train.csv").c_str(),
                (out / "validation.csv").c_str(), (out / "test.csv").c_str(), split.train.size(),
                split.validation.size(), split.test.size());
    return split;
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 6: finetuning GPT-2 to classify SMS messages as spam or not spam"};
    std::string data = (data_dir() / "sms-spam-collection" / "SMSSpamCollection").string();
    std::string out = (fs::temp_directory_path() / "ch06").string();
    app.add_option("--data", data, "the SMS Spam Collection (tab-separated label and text)");
    app.add_option("--out", out, "where the three CSV files are written");
    auto* prep = app.add_subcommand("prepare",
                                    "section 6.2 only: write train.csv, validation.csv, test.csv");
    CLI11_PARSE(app, argc, argv);
    try {
        if (prep->parsed()) {
            prepare(data, out, false);
            return 0;
        }
        section("6.2 Preparing the dataset");
        std::printf("reading %s (the book downloads it; it ships in data/)\n", data.c_str());
        prepare(data, out, true);
        section("6.3 Creating data loaders");
        std::printf("[%ld]\n",
                    ch02::gpt2_tokenizer().encode("<|endoftext|>", {"<|endoftext|>"})[0]);
        manual_seed(123);  // torch.manual_seed(123) before the loaders, as the book
        const SpamLoaders loaders = create_spam_loaders(out);
        std::printf("%ld\n", loaders.train_dataset->max_length);
        std::printf("Train loader:\n");
        const auto first =
            loaders.train_loader.make_batch(loaders.train_loader.epoch_indices().at(0));
        std::printf("Input batch dimensions: torch.Size([%ld, %ld])\n", first.input_batch.size(0),
                    first.input_batch.size(1));
        std::printf("Label batch dimensions torch.Size([%ld])\n", first.target_batch.size(0));
        std::printf("%ld training batches\n%ld validation batches\n%ld test batches\n",
                    loaders.train_loader.size(), loaders.val_loader.size(),
                    loaders.test_loader.size());
        std::printf(
            "\nSections 6.4-6.8 (the classifier, finetuning, classify_review) are not "
            "built yet: see ch06/README.md.\n");
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "ch06: error: %s\n", e.what());
        return 1;
    }
}
