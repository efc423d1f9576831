// Chapter 7: finetuning to follow instructions. `ch07` walks through the
// sections built so far (7.2-7.4: the data, its prompt format, the batches
// and the loaders), printing what the book's notebook prints.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "blas.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "instruction_data.hpp"
#include "prompt_styles.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "walkthrough.hpp"

using namespace llm;
using namespace llm::ch07;
namespace fs = std::filesystem;

namespace {

std::string entry_repr(const Entry& e) {  // Python's repr of the entry's dict
    return "{'instruction': " + py_repr(e.instruction) + ", 'input': " + py_repr(e.input) +
        ", 'output': " + py_repr(e.output) + "}";
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 7: finetuning GPT-2 to follow instructions (sections 7.2-7.4 so far)"};
    std::string data = (data_dir() / "instruction-data.json").string();
    app.add_option("--data", data,
                   "the instruction data (a JSON list of instruction, input, output)")
        ->check(CLI::ExistingFile);
    std::string style_name = "alpaca";
    app.add_option("--prompt-style", style_name,
                   "prompt format of the datasets: alpaca (the book), phi3 (exercise 7.1), llama2")
        ->check(CLI::IsMember({"alpaca", "phi3", "llama2"}));
    CLI11_PARSE(app, argc, argv);
    try {
        section("7.2 Preparing a dataset for supervised instruction finetuning");
        const auto entries = load_instruction_data(data);
        std::printf("Number of entries: %zu\n", entries.size());
        const size_t a = std::min<size_t>(50, entries.size() - 1),
                     b = std::min<size_t>(999, entries.size() - 1);
        std::printf("Example entry:\n %s\n", entry_repr(entries[a]).c_str());
        std::printf("Another example entry:\n %s\n", entry_repr(entries[b]).c_str());
        for (size_t i : {a, b})
            std::printf("%s\n\n### Response:\n%s\n\n", format_input(entries[i]).c_str(),
                        entries[i].output.c_str());
        const PromptStyle style = parse_prompt_style(style_name);
        if (style != PromptStyle::Alpaca) {
            std::printf("In the %s style (--prompt-style), the second example reads:\n",
                        prompt_style_name(style));
            std::printf("%s\n\n", full_text(entries[b], style).c_str());
        }
        const InstructionSplit split = split_instruction_data(entries);
        std::printf("Training set length: %zu\nValidation set length: %zu\nTest set length: %zu\n",
                    split.train.size(), split.validation.size(), split.test.size());

        section("7.3 Organizing data into training batches");
        std::printf("[%ld]\n",
                    ch02::gpt2_tokenizer().encode("<|endoftext|>", {"<|endoftext|>"})[0]);
        const std::vector<std::vector<int64_t>> batch{{0, 1, 2, 3, 4}, {5, 6}, {7, 8, 9}};
        const auto draft = custom_collate_draft_2(batch);
        std::cout << draft.inputs << "\n";  // custom_collate_draft_1(batch)
        std::cout << draft.inputs << "\n" << draft.targets << "\n";  // custom_collate_draft_2
        const auto collated = custom_collate_fn(batch);
        std::cout << collated.inputs << "\n" << collated.targets << "\n";
        // why -100: cross_entropy skips those targets
        const Tensor logits_1 = Tensor::from({{-1.0f, 1.0f}, {-0.5f, 1.5f}});
        const Tensor loss_1 = cross_entropy(logits_1, IntTensor({2}, {0, 1}));
        std::cout << loss_1 << "\n";
        const Tensor logits_2 = Tensor::from({{-1.0f, 1.0f}, {-0.5f, 1.5f}, {-0.5f, 1.5f}});
        std::cout << cross_entropy(logits_2, IntTensor({3}, {0, 1, 1})) << "\n";
        const Tensor loss_3 = cross_entropy(logits_2, IntTensor({3}, {0, 1, -100}));
        std::cout << loss_3 << "\n";
        std::printf("loss_1 == loss_3: tensor(%s)\n",
                    loss_1.item() == loss_3.item() ? "True" : "False");

        section("7.4 Creating data loaders for an instruction dataset");
        auto train_dataset = std::make_shared<const InstructionDataset>(split.train, style);
        manual_seed(123);
        const DataLoader<InstructionDataset> train_loader(train_dataset, 8, /*shuffle=*/true,
                                                          /*drop_last=*/true);
        const auto batches = instruction_batches(train_loader, 1024);
        std::printf("Train loader:\n");
        for (const auto& bt : batches)
            std::printf("torch.Size([%ld, %ld]) torch.Size([%ld, %ld])\n", bt.inputs.size(0),
                        bt.inputs.size(1), bt.targets.size(0), bt.targets.size(1));
        const auto& last = batches.back();
        const int64_t T = last.inputs.size(1);
        std::cout << IntTensor({T}, {last.inputs.data.begin(), last.inputs.data.begin() + T})
                  << "\n";
        std::cout << IntTensor({T}, {last.targets.data.begin(), last.targets.data.begin() + T})
                  << "\n";
        std::printf(
            "\nSections 7.5-7.8 (loading GPT-2, finetuning, responses, scoring) are not built yet: "
            "see ch07/README.md.\n");
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "ch07: error: %s\n", e.what());
        return 1;
    }
}
