// Appendix E: parameter-efficient finetuning with LoRA. Chapter 6's spam
// classifier again, but every Linear layer frozen and given a low-rank side
// path that alone is trained; then (ours) the side paths merged back into
// plain weights.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "autograd.hpp"
#include "blas_startup.hpp"
#include "classifier.hpp"
#include "finetuning.hpp"
#include "cli_checks.hpp"
#include "error.hpp"
#include "lora.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "spam_data.hpp"
#include "spam_dataset.hpp"
#include "walkthrough.hpp"

using namespace llm;
using namespace llm::ch06;
using namespace llm::appendix_e;
namespace fs = std::filesystem;

namespace {

// 123456789 -> "123,456,789", as Python's f"{n:,}".
std::string thousands(int64_t n) {
    std::string s = std::to_string(n), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}

// The largest difference between two models' last-token logits on one batch.
float max_logit_difference(GPTModel& a, GPTModel& b, const IntTensor& batch) {
    NoGradGuard ng;
    const Tensor la = classification_logits(a, batch), lb = classification_logits(b, batch);
    float d = 0;
    for (int64_t i = 0; i < la.numel(); ++i)
        d = std::max(d, std::fabs(la.data()[i] - lb.data()[i]));
    return d;
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Appendix E: finetuning the chapter 6 spam classifier with LoRA"};
    std::string data = (data_dir() / "sms-spam-collection" / "SMSSpamCollection").string();
    fs::path out = fs::temp_directory_path() / "appendix-e";
    std::string weights, scaling = "alpha-over-rank", until;
    bool random_init = false;
    int64_t rank = 16, num_epochs = 5, max_steps = 0;
    double alpha = 16, lr = 8e-4;
    app.add_option("--data", data, "the SMS Spam Collection")->check(CLI::ExistingFile);
    app.add_option("--out", out, "folder for the CSVs, plots and the merged classifier");
    app.add_option("--weights", weights, "GPT-2 124M weights (HuggingFace model.safetensors)")
        ->check(CLI::ExistingFile);
    app.add_flag("--random-init", random_init,
                 "start from GPT-2 124M's shape with random weights, whatever is on disk");
    app.add_option("--rank", rank, "LoRA rank (the book: 16)")->check(CLI::Range(1, 4096));
    app.add_option("--alpha", alpha, "LoRA alpha (the book: 16)")->check(FiniteRange(0.0, 1e6));
    app.add_option("--lora-scaling", scaling,
                   "alpha-over-rank (the book's repository, the LoRA paper; default) or alpha "
                   "(the printed book)")
        ->check(CLI::IsMember({"alpha-over-rank", "alpha"}));
    app.add_option("--lr", lr, "AdamW learning rate (the book's repository: 8e-4)")
        ->check(FiniteRange(0.0, 10.0));
    app.add_option("--epochs", num_epochs, "epochs of finetuning (the book: 5)")
        ->check(NonNegativeInteger());
    app.add_option("--max-steps", max_steps, "stop each epoch after this many batches (0: all)")
        ->check(NonNegativeInteger());
    app.add_option("--until", until,
                   "stop after: E.2, E.3, E.4-lora (the wrapped model), E.4 (finetuned), E.5")
        ->check(CLI::IsMember({"E.2", "E.3", "E.4-lora", "E.4", "E.5"}));
    auto* epochs_opt = app.get_option("--epochs");
    auto* steps_opt = app.get_option("--max-steps");
    CLI11_PARSE(app, argc, argv);
    try {
        section("E.2 Preparing the dataset");
        {
            SpamFrame balanced = create_balanced_dataset(read_sms_spam_collection(data));
            map_labels(balanced);
            const SpamSplit split = random_split(balanced, 0.7, 0.1);
            fs::create_directories(out);
            write_csv(split.train, out / "train.csv");
            write_csv(split.validation, out / "validation.csv");
            write_csv(split.test, out / "test.csv");
        }
        manual_seed(123);
        const SpamLoaders loaders = create_spam_loaders(out);
        const auto first =
            loaders.train_loader.make_batch(loaders.train_loader.epoch_indices().at(0));
        std::printf("Train loader:\nInput batch dimensions: torch.Size([%ld, %ld])\n",
                    first.input_batch.size(0), first.input_batch.size(1));
        std::printf("Label batch dimensions torch.Size([%ld])\n", first.target_batch.size(0));
        std::printf("%ld training batches\n%ld validation batches\n%ld test batches\n",
                    loaders.train_loader.size(), loaders.val_loader.size(),
                    loaders.test_loader.size());
        if (until == "E.2") return 0;

        section("E.3 Initializing the model");
        std::string what;
        auto model = starting_model(random_init ? "" : weights, what, random_init);
        std::printf("starting from %s\n", what.c_str());
        manual_seed(123);
        model->replace_module("out_head",
                              std::make_shared<Linear>(model->cfg.emb_dim, 2));  // num_classes = 2
        model->eval();
        manual_seed(123);
        print_accuracies(loaders, *model, 10);
        if (until == "E.3") return 0;

        section("E.4 Parameter-efficient finetuning with LoRA");
        std::printf("Total trainable parameters before: %s\n",
                    thousands(count_trainable(*model)).c_str());
        for (Tensor p : model->parameters()) p.requires_grad_(false);
        std::printf("Total trainable parameters after: %s\n",
                    thousands(count_trainable(*model)).c_str());
        replace_linear_with_lora(*model, rank, alpha, parse_lora_scaling(scaling));
        std::printf("Total trainable LoRA parameters: %s\n",
                    thousands(count_trainable(*model)).c_str());
        std::printf("%s\n", model->repr().c_str());
        manual_seed(123);
        print_accuracies(loaders, *model, 10);
        if (until == "E.4-lora") return 0;

        shorten_without_weights(what, epochs_opt->count() + steps_opt->count() > 0, num_epochs,
                                max_steps);
        if (!finetune_classifier(*model, loaders, num_epochs, max_steps, out,
                                 static_cast<float>(lr))) {
            std::fprintf(stderr, "appendix-e: interrupted\n");
            return 1;
        }
        if (until == "E.4") return 0;

        section("E.5 (not in the book) Merging the LoRA weights into the model");
        const fs::path merged_file = out / "review_classifier_lora_merged.safetensors";
        {
            // the merged model is built from a copy, so both can be compared
            auto merged = std::make_unique<GPTModel>(model->cfg);
            merged->replace_module("out_head", std::make_shared<Linear>(model->cfg.emb_dim, 2));
            replace_linear_with_lora(*merged, rank, alpha, parse_lora_scaling(scaling));
            merged->load_state_dict([&] {
                std::map<std::string, Tensor> st;
                for (const auto& [name, t] : model->state_dict()) st.emplace(name, t);
                return st;
            }());
            merge_lora(*merged);
            merged->eval();
            model->eval();
            std::printf(
                "largest difference of the last-token logits, merged vs LoRA: %.2e\n",
                static_cast<double>(max_logit_difference(*model, *merged, first.input_batch)));
            save_classifier(*merged, merged_file);
        }
        std::printf("wrote %s: the book's GPTModel with the 2-class head, no LoRA layers\n",
                    merged_file.c_str());
        std::printf("(./book run ch06 -- classify --model %s --text \"...\")\n",
                    merged_file.c_str());
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "appendix-e: error: %s\n", e.what());
        return 1;
    }
}
