// Chapter 7: finetuning to follow instructions. `ch07` walks through the
// chapter in the book's order (7.2-7.8: the data and its prompt format, the
// batches, the loaders, the pretrained model, finetuning, the responses and
// their scores), printing what the book's notebook prints. Subcommands run
// one step on its own: finetune, respond, evaluate, chat.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "bench.hpp"
#include "blas_startup.hpp"
#include "checkpoint.hpp"
#include "cli_checks.hpp"
#include "error.hpp"
#include "gpt2_weights.hpp"
#include "gpt_dataset.hpp"
#include "instruction_data.hpp"
#include "instruction_finetuning.hpp"
#include "ollama_client.hpp"
#include "prompt_styles.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "responses.hpp"
#include "responses_batched_fused.hpp"
#include "text_ids.hpp"
#include "walkthrough.hpp"

using namespace llm;
using namespace llm::ch07;
namespace fs = std::filesystem;

namespace {

std::string entry_repr(const Entry& e) {  // Python's repr of the entry's dict
    return "{'instruction': " + py_repr(e.instruction) + ", 'input': " + py_repr(e.input) +
        ", 'output': " + py_repr(e.output) + "}";
}

struct Settings {
    std::string data, style_name = "alpaca", weights, out = "output/ch07", responses, save, resume;
    int64_t num_epochs = 2, max_steps = 0, max_new_tokens = 256, batch_size = 16;
    double lr = 5e-5;
    bool lr_given = false, length_given = false, one_by_one = false;
    OllamaOptions ollama;
    bool score = false;
    PromptStyle style() const { return parse_prompt_style(style_name); }
    fs::path responses_file() const {
        return responses.empty() ? fs::path(out) / "instruction-data-with-response.json"
                                 : fs::path(responses);
    }
};

void walk_data(const Settings& st, const std::vector<Entry>& entries,
               const InstructionSplit& split) {
    std::printf("Number of entries: %zu\n", entries.size());
    const size_t a = std::min<size_t>(50, entries.size() - 1),
                 b = std::min<size_t>(999, entries.size() - 1);
    std::printf("Example entry:\n %s\n", entry_repr(entries[a]).c_str());
    std::printf("Another example entry:\n %s\n", entry_repr(entries[b]).c_str());
    for (size_t i : {a, b})
        std::printf("%s\n\n### Response:\n%s\n\n", format_input(entries[i]).c_str(),
                    entries[i].output.c_str());
    if (st.style() != PromptStyle::Alpaca) {
        std::printf("In the %s style (--prompt-style), the second example reads:\n",
                    prompt_style_name(st.style()));
        std::printf("%s\n\n", full_text(entries[b], st.style()).c_str());
    }
    std::printf("Training set length: %zu\nValidation set length: %zu\nTest set length: %zu\n",
                split.train.size(), split.validation.size(), split.test.size());
}

void walk_batches() {
    std::printf("[%ld]\n", ch02::gpt2_tokenizer().encode("<|endoftext|>", {"<|endoftext|>"})[0]);
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
}

void walk_loaders(const InstructionLoaders& loaders) {
    const auto batches = instruction_batches(loaders.train_loader, loaders.allowed_max_length);
    std::printf("Train loader:\n");
    for (const auto& bt : batches)
        std::printf("torch.Size([%ld, %ld]) torch.Size([%ld, %ld])\n", bt.inputs.size(0),
                    bt.inputs.size(1), bt.targets.size(0), bt.targets.size(1));
    const auto& last = batches.back();
    const int64_t T = last.inputs.size(1);
    std::cout << IntTensor({T}, {last.inputs.data.begin(), last.inputs.data.begin() + T}) << "\n";
    std::cout << IntTensor({T}, {last.targets.data.begin(), last.targets.data.begin() + T}) << "\n";
}

// 7.5-7.6's model: the weights, or the small demonstration model with the
// demonstration's shorter run (1 epoch of 30 batches, lr 1e-3) unless asked.
std::unique_ptr<ch04::GPTModel> model_to_finetune(Settings& st, bool& pretrained) {
    std::string what;
    auto model = starting_model(st.weights, what, pretrained);
    std::printf("Finetuning %s\n", what.c_str());
    if (!pretrained) {
        if (!st.length_given) st.num_epochs = 1, st.max_steps = 30;
        if (!st.lr_given) st.lr = 1e-3;
        std::printf(
            "(demonstration: %ld epoch(s)%s, lr %g, unless --epochs/--max-steps/--lr say "
            "otherwise; it shows the loss falling, not the book's answers)\n",
            st.num_epochs,
            st.max_steps ? (" of " + std::to_string(st.max_steps) + " batches").c_str() : "",
            st.lr);
    }
    return model;
}

fs::path model_file(const Settings& st, bool pretrained) {
    if (!st.save.empty()) return st.save;
    return fs::path(st.out) /
        (pretrained ? "gpt2-medium355M-sft.safetensors" : "demonstration-sft.safetensors");
}

// 7.7: every test entry's response, batched (or one by one), with a progress line.
std::vector<Answered> respond(ch04::GPTModel& model, const std::vector<Entry>& test,
                              const Settings& st) {
    const auto& tok = ch02::gpt2_tokenizer();
    std::vector<std::string> inputs;
    std::vector<std::vector<int64_t>> prompts;
    for (size_t i = 0; i < test.size(); ++i) {
        inputs.push_back(format_prompt(test[i], st.style()));
        prompts.push_back(tok.encode(inputs.back(), {"<|endoftext|>"}));
        if (static_cast<int64_t>(prompts.back().size()) >= model.cfg.context_length)
            throw ValueError("test entry " + std::to_string(i) + ": its prompt has " +
                             std::to_string(prompts.back().size()) +
                             " tokens, which leaves no room in the model's context of " +
                             std::to_string(model.cfg.context_length));
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    size_t done = 0;
    const double t0 = bench::now();
    auto progress = [&](size_t) {
        if (!tty) return;
        ++done;
        const double el = bench::now() - t0;
        std::fprintf(stderr, "\r\033[K%zu/%zu responses  %.0f s left", done, test.size(),
                     el / static_cast<double>(done) * static_cast<double>(test.size() - done));
    };
    std::vector<std::vector<int64_t>> new_ids;
    if (st.one_by_one) {
        for (size_t i = 0; i < test.size(); ++i) {
            new_ids.push_back(
                generate_response(model, inputs[i], st.max_new_tokens, 50256).new_ids);
            progress(i);
        }
    } else {
        new_ids = generate_greedy_batched(model, prompts, st.max_new_tokens, 50256, st.batch_size,
                                          progress);
    }
    if (tty) std::fprintf(stderr, "\r\033[K");
    const double seconds = bench::now() - t0;
    size_t tokens = 0;
    std::vector<Answered> out;
    for (size_t i = 0; i < test.size(); ++i) {
        tokens += new_ids[i].size();
        std::vector<int64_t> all = prompts[i];
        all.insert(all.end(), new_ids[i].begin(), new_ids[i].end());
        const std::string text = tok.decode(all);
        out.push_back({test[i], extract_response(text, inputs[i], response_marker(st.style()))});
    }
    std::printf("%zu responses, %zu new tokens in %.1f s (%.0f tokens/s, %s)\n", test.size(),
                tokens, seconds, static_cast<double>(tokens) / std::max(seconds, 1e-9),
                st.one_by_one ? "one by one" : "batched");
    return out;
}

void print_answers(const std::vector<Answered>& answers, size_t n) {
    for (size_t i = 0; i < std::min(n, answers.size()); ++i) {
        std::printf("%s\n", format_input(answers[i].entry).c_str());
        std::printf("\nCorrect response:\n>> %s\n", answers[i].entry.output.c_str());
        std::printf("\nModel response:\n>> %s\n", answers[i].model_response.c_str());
        std::printf("-------------------------------------\n");
    }
}

void score(const std::vector<Answered>& answers, const OllamaOptions& o) {
    std::printf("Scoring %zu entries with %s at %s\n", answers.size(), o.model.c_str(),
                o.url.c_str());
    const auto scores = generate_model_scores(
        answers, o, [](const std::string& s) { std::printf("%s\n", s.c_str()); });
    std::printf("Number of scores: %zu of %zu\n", scores.size(), answers.size());
    double sum = 0;
    for (int v : scores) sum += v;
    if (!scores.empty())
        std::printf("Average score: %.2f\n", sum / static_cast<double>(scores.size()));
}

// chat: one response per line typed, in the chosen prompt style.
void chat(ch04::GPTModel& model, const Settings& st) {
    const bool tty = isatty(STDIN_FILENO) != 0;
    if (tty) std::printf("Type an instruction and press Enter (an empty line or Ctrl-D ends).\n");
    for (std::string line;;) {
        if (tty) std::printf("> "), std::fflush(stdout);
        if (!std::getline(std::cin, line) || line.empty()) break;
        const std::string prompt = format_prompt(Entry{line, "", ""}, st.style());
        const auto n = ch02::gpt2_tokenizer().encode(prompt, {"<|endoftext|>"}).size();
        if (static_cast<int64_t>(n) >= model.cfg.context_length) {
            std::printf("(that prompt has %zu tokens; the model's context holds %ld)\n", n,
                        model.cfg.context_length);
            continue;
        }
        const Generated g =
            generate_response(model, prompt, st.max_new_tokens, 50256, response_marker(st.style()));
        std::printf("%s\n", g.response_text.c_str());
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 7: finetuning GPT-2 to follow instructions"};
    Settings st;
    st.data = (data_dir() / "instruction-data.json").string();
    app.add_option("--data", st.data,
                   "the instruction data (a JSON list of instruction, input, output)")
        ->check(CLI::ExistingFile);
    app.add_option("--prompt-style", st.style_name,
                   "prompt format: alpaca (the book), phi3 (exercise 7.1), llama2")
        ->check(CLI::IsMember({"alpaca", "phi3", "llama2"}));
    app.add_option("--weights", st.weights,
                   "GPT-2 weights (HuggingFace model.safetensors or a book-layout file); default "
                   "data/gpt2-355M/model.safetensors, else a small demonstration model")
        ->check(CLI::ExistingFile);
    app.add_option("--out", st.out, "where the loss plot, the responses and the model go");
    auto* epochs = app.add_option("--epochs", st.num_epochs, "epochs of finetuning (the book: 2)")
                       ->check(NonNegativeInteger());
    auto* steps = app.add_option("--max-steps", st.max_steps,
                                 "stop each epoch after this many batches (0: all 116)")
                      ->check(NonNegativeInteger());
    auto* lr = app.add_option("--lr", st.lr, "AdamW's learning rate (the book: 5e-05)")
                   ->check(FiniteRange(1e-12, 10));
    app.add_option("--max-new-tokens", st.max_new_tokens,
                   "longest response in tokens (the book: 256)")
        ->check(NonNegativeInteger());
    app.add_option("--batch-size", st.batch_size,
                   "responses generated together (one KV cache each)")
        ->check(CLI::Range(int64_t{1}, int64_t{1024}));
    app.add_flag("--one-by-one", st.one_by_one,
                 "generate the responses one at a time, as the book does (the same tokens)");
    app.add_option("--responses", st.responses,
                   "the responses file (default: OUT/instruction-data-with-response.json)");
    auto* url = app.add_option("--ollama", st.ollama.url,
                               "score the responses with the Ollama server at this address "
                               "(for example http://localhost:11434)");
    app.add_option("--model", st.ollama.model,
                   "the scoring model Ollama serves (the book: llama3)");
    app.add_option("--save", st.save,
                   "where the finetuned model is written (default: OUT/gpt2-medium355M-sft."
                   "safetensors)");
    std::string until;
    app.add_option("--until", until, "stop the walkthrough after this section (7.2 ... 7.8)")
        ->check(CLI::IsMember({"7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8"}));
    auto* tune = app.add_subcommand("finetune", "7.5-7.6 only: finetune and save the model");
    auto* resp = app.add_subcommand(
        "respond", "7.7 only: the test set's responses of a finetuned model (--weights) to a file");
    auto* eval = app.add_subcommand(
        "evaluate", "7.8 only: score a responses file with an Ollama server (--ollama)");
    auto* talk = app.add_subcommand(
        "chat", "one response per line typed, from a finetuned model (--weights)");
    tune->add_option("--resume", st.resume,
                     "continue an interrupted finetuning from its checkpoint folder "
                     "(OUT/checkpoint; give the same --weights and settings)")
        ->check(CLI::ExistingDirectory);
    for (auto* sub : {tune, resp, eval, talk}) sub->fallthrough();
    CLI11_PARSE(app, argc, argv);
    st.lr_given = lr->count() > 0;
    st.length_given = epochs->count() + steps->count() > 0;
    st.score = url->count() > 0;
    const bool weights_needed = resp->parsed() || talk->parsed();
    if (weights_needed && st.weights.empty()) {
        std::fprintf(stderr, "ch07: error: %s needs --weights (a model `ch07 finetune` saved)\n",
                     resp->parsed() ? "respond" : "chat");
        return 2;
    }
    if (eval->parsed() && !st.score) {
        std::fprintf(stderr,
                     "ch07: error: evaluate needs --ollama URL (start a server with `ollama serve` "
                     "and `ollama pull llama3`; the book scores with Llama 3)\n");
        return 2;
    }
    auto until_done = [&](const char* s) { return until == s; };
    try {
        if (eval->parsed()) {
            score(load_responses_json(st.responses_file()), st.ollama);
            return 0;
        }
        if (talk->parsed()) {
            auto model = ch05::load_model(st.weights);
            chat(*model, st);
            return 0;
        }
        const auto entries = load_instruction_data(st.data);
        const InstructionSplit split = split_instruction_data(entries);
        if (resp->parsed()) {
            auto model = ch05::load_model(st.weights);
            const auto answers = respond(*model, split.test, st);
            write_responses_json(st.responses_file(), answers);
            std::printf("Responses written to %s\n", st.responses_file().string().c_str());
            return 0;
        }
        const bool walk = !tune->parsed();
        if (walk) {
            section("7.2 Preparing a dataset for supervised instruction finetuning");
            walk_data(st, entries, split);
            if (until_done("7.2")) return 0;
            section("7.3 Organizing data into training batches");
            walk_batches();
            if (until_done("7.3")) return 0;
            section("7.4 Creating data loaders for an instruction dataset");
        }
        const InstructionLoaders loaders = make_instruction_loaders(split, st.style());
        if (walk) {
            walk_loaders(loaders);
            if (until_done("7.4")) return 0;
            section("7.5 Loading a pretrained LLM");
        }
        bool pretrained = false;
        auto model = model_to_finetune(st, pretrained);
        const std::string input_text = format_prompt(split.validation[0], st.style());
        if (walk) {
            manual_seed(123);
            std::printf("%s\n", input_text.c_str());
            const Generated g =
                generate_response(*model, input_text, 35, 50256, response_marker(st.style()));
            std::printf("%s\n", g.response_text.c_str());
            if (until_done("7.5")) return 0;
            section("7.6 Finetuning the LLM on instruction data");
        }
        FinetuneSettings fs_;
        fs_.num_epochs = st.num_epochs;
        fs_.max_steps = st.max_steps;
        fs_.lr = static_cast<float>(st.lr);
        fs_.progress_line = isatty(STDERR_FILENO) != 0;
        fs_.checkpoint_dir = fs::path(st.out) / "checkpoint";  // where Ctrl-C saves
        fs_.resume = st.resume;
        fs::create_directories(st.out);
        ch05::install_interrupt_handler();
        if (finetune_instructions(*model, loaders, input_text, fs_, st.out).interrupted) {
            std::fprintf(stderr,
                         "ch07: finetuning interrupted; continue with `ch07 finetune --resume %s` "
                         "and the same options\n",
                         fs_.checkpoint_dir.string().c_str());
            return 1;
        }
        const fs::path saved = model_file(st, pretrained);
        if (tune->parsed() || !walk) {
            ch05::save_model(*model, saved);
            std::printf("Model saved as %s\n", saved.string().c_str());
            return 0;
        }
        if (until_done("7.6")) return 0;
        section("7.7 Extracting and saving responses");
        const auto answers = respond(*model, split.test, st);
        print_answers(answers, 3);
        write_responses_json(st.responses_file(), answers);
        std::printf("Responses written to %s\n", st.responses_file().string().c_str());
        std::printf(
            "%s\n",
            (entry_repr(answers[0].entry).substr(0, entry_repr(answers[0].entry).size() - 1) +
             ", 'model_response': " + py_repr(answers[0].model_response) + "}")
                .c_str());
        ch05::save_model(*model, saved);
        std::printf("Model saved as %s\n", saved.string().c_str());
        if (until_done("7.7")) return 0;
        section("7.8 Evaluating the finetuned LLM");
        if (!st.score) {
            std::printf(
                "Scoring needs an Ollama server (the book uses Llama 3): start one with `ollama "
                "serve` and `ollama pull llama3`, then run\n  ./book run ch07 evaluate --ollama "
                "http://localhost:11434 --responses %s\n",
                st.responses_file().string().c_str());
            return 0;
        }
        score(answers, st.ollama);
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "ch07: error: %s\n", e.what());
        return 1;
    }
}
