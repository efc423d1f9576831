// Chapter 6: finetuning for classification. The chapter in the book's order:
// `ch06` walks through the chapter; `ch06 prepare` writes the book's three
// CSV files, `ch06 finetune` trains and saves a classifier, `classify` and
// `eval` use it.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "autograd.hpp"
#include "blas_startup.hpp"
#include "checkpoint.hpp"
#include "classifier.hpp"
#include "finetuning.hpp"
#include "cli_checks.hpp"
#include "gpt2_weights.hpp"
#include "ops.hpp"
#include "optim.hpp"
#include "plot.hpp"
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

// The model checked against the loaders' padded length.
void check_fits(const SpamLoaders& loaders, const GPTModel& model) {
    if (loaders.train_dataset->max_length > model.cfg.context_length)
        throw ValueError(
            "the dataset's max_length " + std::to_string(loaders.train_dataset->max_length) +
            " exceeds the model's context length " + std::to_string(model.cfg.context_length));
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 6: finetuning GPT-2 to classify SMS messages as spam or not spam"};
    std::string data = (data_dir() / "sms-spam-collection" / "SMSSpamCollection").string();
    std::string out = (fs::temp_directory_path() / "ch06").string();
    app.add_option("--data", data, "the SMS Spam Collection (tab-separated label and text)")
        ->check(CLI::ExistingFile);
    app.add_option("--out", out, "where the three CSV files are written");
    std::string weights, trainable = "last-block";
    int64_t num_epochs = 5, max_steps = 0, max_length = 0;
    app.add_option(
           "--weights", weights,
           "GPT-2 weights (HuggingFace model.safetensors, or a book-layout file) to finetune")
        ->check(CLI::ExistingFile);
    app.add_option("--trainable", trainable,
                   "what finetuning updates: last-block (the book), all, head")
        ->check(CLI::IsMember({"last-block", "all", "head"}));
    app.add_option("--epochs", num_epochs, "epochs of finetuning (the book: 5)")
        ->check(NonNegativeInteger());
    app.add_option("--max-steps", max_steps,
                   "stop each epoch after this many batches (0: all 130, as the book)")
        ->check(NonNegativeInteger());
    app.add_option("--max-length", max_length,
                   "pad or truncate texts to this many tokens (0: the longest training text, "
                   "120, as the book; exercise 6.1: 1024)")
        ->check(NonNegativeInteger());
    std::string until;
    app.add_option("--until", until, "stop the walkthrough after this section (6.2 ... 6.8)")
        ->check(CLI::IsMember({"6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8"}));
    auto* epochs_opt = app.get_option("--epochs");
    auto* steps_opt = app.get_option("--max-steps");
    auto length = [&] { return max_length ? std::optional<int64_t>(max_length) : std::nullopt; };
    auto asked_length = [&] { return epochs_opt->count() + steps_opt->count() > 0; };
    auto* prep = app.add_subcommand("prepare",
                                    "section 6.2 only: write train.csv, validation.csv, test.csv");
    prep->fallthrough();  // `prepare --out DIR` takes the program's options too
    std::string classifier_file, text, text_file, save;
    auto* tune = app.add_subcommand(
        "finetune", "6.3-6.7 without the walkthrough's prints: finetune and save a classifier");
    tune->add_option(
        "--save", save,
        "where the classifier is written (default: OUT/review_classifier.safetensors)");
    std::string resume;
    tune->add_option("--resume", resume,
                     "continue an interrupted finetuning from its checkpoint folder "
                     "(OUT/checkpoint; give the same options)")
        ->check(CLI::ExistingDirectory);
    tune->fallthrough();
    auto* classify =
        app.add_subcommand("classify", "6.8: spam or not spam, with a saved classifier");
    classify->add_option("--model", classifier_file, "a classifier the walkthrough saved")
        ->required()
        ->check(CLI::ExistingFile);
    auto* text_opt = classify->add_option("--text", text, "one text to classify");
    classify->add_option("--file", text_file, "a file with one text per line")
        ->check(CLI::ExistingFile)
        ->excludes(text_opt);
    classify->fallthrough();
    auto* eval =
        app.add_subcommand("eval", "accuracy of a saved classifier on the three CSVs in --out");
    eval->add_option("--model", classifier_file, "a classifier the walkthrough saved")
        ->required()
        ->check(CLI::ExistingFile);
    eval->fallthrough();
    CLI11_PARSE(app, argc, argv);
    try {
        if (prep->parsed()) {
            prepare(data, out, false);
            return 0;
        }
        if (tune->parsed()) {
            if (!fs::exists(fs::path(out) / "train.csv")) prepare(data, out, false);
            std::string what;
            auto model = starting_model(weights, what);
            std::printf("finetuning %s\n", what.c_str());
            manual_seed(123);
            const SpamLoaders loaders = create_spam_loaders(out, 8, length());
            check_fits(loaders, *model);
            shorten_without_weights(what, asked_length(), num_epochs, max_steps);
            manual_seed(123);
            add_classification_head(*model, 2, parse_trainable(trainable));
            if (!finetune_classifier(*model, loaders, num_epochs, max_steps, out, 5e-5f, resume)) {
                std::fprintf(stderr,
                             "ch06: finetuning interrupted; continue with `ch06 finetune --resume "
                             "%s` and the same options\n",
                             (fs::path(out) / "checkpoint").c_str());
                return 1;
            }
            const fs::path file =
                save.empty() ? fs::path(out) / "review_classifier.safetensors" : fs::path(save);
            save_classifier(*model, file);
            std::printf("saved %s\n", file.c_str());
            return 0;
        }
        if (classify->parsed()) {
            std::vector<std::string> texts;
            if (!text_file.empty()) {
                std::istringstream lines(read_file(text_file));
                for (std::string line; std::getline(lines, line);)
                    if (!line.empty()) texts.push_back(line);
            } else {
                texts.push_back(text);
            }
            if (texts.empty() || texts[0].empty())
                throw ValueError("classify: give --text \"...\" or --file with one text per line");
            auto model = load_classifier(classifier_file);
            const int64_t max_length = std::min<int64_t>(120, model->cfg.context_length);
            for (const auto& t : texts)
                std::printf("%s\t%s\n", classify_review(t, *model, max_length).label.c_str(),
                            t.c_str());
            return 0;
        }
        if (eval->parsed()) {
            auto model = load_classifier(classifier_file);
            if (!fs::exists(fs::path(out) / "train.csv")) prepare(data, out, false);
            manual_seed(123);
            const SpamLoaders l =
                create_spam_loaders(out, 8, std::min<int64_t>(120, model->cfg.context_length));
            print_accuracies(l, *model);
            return 0;
        }
        section("6.2 Preparing the dataset");
        std::printf("reading %s (the book downloads it; it ships in data/)\n", data.c_str());
        prepare(data, out, true);
        if (until == "6.2") return 0;
        section("6.3 Creating data loaders");
        std::printf("[%ld]\n",
                    ch02::gpt2_tokenizer().encode("<|endoftext|>", {"<|endoftext|>"})[0]);
        manual_seed(123);  // torch.manual_seed(123) before the loaders, as the book
        const SpamLoaders loaders = create_spam_loaders(out, 8, length());
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
        if (until == "6.3") return 0;
        section("6.4 Initializing a model with pretrained weights");
        std::string what;
        auto model = starting_model(weights, what);
        std::printf("starting from %s\n", what.c_str());
        check_fits(loaders, *model);
        model->eval();
        if (until == "6.4") return 0;
        shorten_without_weights(what, asked_length(), num_epochs, max_steps);

        section("6.5 Adding a classification head");
        std::printf("%s\n", model->repr().c_str());  // print(model), before the new head
        manual_seed(123);
        add_classification_head(*model, 2, parse_trainable(trainable));
        const auto inputs = ch02::gpt2_tokenizer().encode("Do you have time");
        const IntTensor in({1, static_cast<int64_t>(inputs.size())}, inputs);
        std::cout << "Inputs: " << in << "\n";
        std::printf("Inputs dimensions: torch.Size([1, %zu])\n", inputs.size());
        {
            NoGradGuard ng;
            const Tensor outputs = model->forward(in);
            std::cout << "Outputs:\n " << outputs << "\n";
            std::printf("Outputs dimensions: torch.Size([1, %zu, 2])\n", inputs.size());
            std::cout << "Last output token: " << select(outputs, 1, -1) << "\n";
        }
        if (until == "6.5") return 0;

        section("6.6 Calculating the classification loss and accuracy");
        manual_seed(123);  // for the shuffled training loader, as the book
        print_accuracies(loaders, *model, 10);
        {
            NoGradGuard ng;
            std::printf("Training loss: %.3f\n", calc_loss_loader(loaders.train_loader, *model, 5));
            std::printf("Validation loss: %.3f\n", calc_loss_loader(loaders.val_loader, *model, 5));
            std::printf("Test loss: %.3f\n", calc_loss_loader(loaders.test_loader, *model, 5));
        }
        if (until == "6.6") return 0;

        section("6.7 Finetuning the model on supervised data");
        if (!finetune_classifier(*model, loaders, num_epochs, max_steps, out)) {
            std::fprintf(stderr,
                         "ch06: interrupted; `ch06 finetune --resume %s` with the same options "
                         "finishes the finetuning\n",
                         (fs::path(out) / "checkpoint").c_str());
            return 1;
        }
        if (until == "6.7") return 0;

        section("6.8 Using the LLM as a spam classifier");
        for (
            const char* text :
            {"You are a winner you have been specially selected to receive $1000 cash or a $2000 award.",
             "Hey, just wanted to check if we're still on for dinner tonight? Let me know!"})
            std::printf(
                "%s\n",
                classify_review(text, *model, loaders.train_dataset->max_length).label.c_str());
        const fs::path saved = fs::path(out) / "review_classifier.safetensors";
        save_classifier(*model, saved);
        std::printf("saved %s (the book's state_dict names; reload with load_gpt_model)\n",
                    saved.c_str());
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "ch06: error: %s\n", e.what());
        return 1;
    }
}
