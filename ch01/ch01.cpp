// ch01: what "predict the next word" means, shown on the-verdict.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "blas_startup.hpp"
#include "cli_checks.hpp"
#include "error.hpp"
#include "next_word.hpp"
#include "paths.hpp"
#include "random.hpp"

using namespace llm;
using namespace llm::ch01;

namespace {
std::string join(const std::vector<std::string>& w) {
    std::string s;
    for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
    return s;
}
}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 1: next-word prediction on the-verdict, with word bigram counts"};
    std::string text_file = (data_dir() / "the-verdict.txt").string();
    std::string start = "i";
    size_t n_words = 12;
    uint64_t seed = 123;
    app.add_option("--text", text_file, "text to learn from")->check(CLI::ExistingFile);
    app.add_option("--start", start, "first word of the generated text");
    app.add_option("--words", n_words, "how many words to generate")->check(CLI::Range(1, 10000));
    app.add_option("--seed", seed, "seed for sampling")->check(NonNegativeInteger());
    CLI11_PARSE(app, argc, argv);
    try {
        const std::string text = read_file(text_file);
        const auto words = split_words(text);
        std::printf("== 1.1 The task: predict the next word ==\n");
        std::printf("%s: %zu characters, %zu words\n", text_file.c_str(), text.size(),
                    words.size());
        std::printf(
            "first words: %s ...\n\n",
            join({words.begin(), words.begin() + std::min<size_t>(10, words.size())}).c_str());

        std::printf("== Self-supervised labels: the text labels itself ==\n");
        const auto pairs = input_target_pairs(words, 4, 1);
        for (size_t i = 0; i < 3 && i < pairs.size(); ++i)
            std::printf("input: %-32s -> target: %s\n", join(pairs[i].input).c_str(),
                        join(pairs[i].target).c_str());
        std::printf("(%zu windows of 4 words with stride 1)\n\n", pairs.size());

        const BigramModel model(words);
        std::printf("== A counting model: which word follows which ==\n");
        for (const std::string w : {"the", "i", "he", "had"}) {
            std::printf("after '%s':", w.c_str());
            const auto f = model.followers(w);
            for (size_t i = 0; i < 4 && i < f.size(); ++i)
                std::printf("  %s (%lld)", f[i].first.c_str(), static_cast<long long>(f[i].second));
            std::printf("\n");
        }
        std::printf("\n== Generating one word at a time (autoregressive) ==\n");
        if (model.followers(start).empty())
            throw ValueError("--start '" + start + "': this word is never followed by another in " +
                             text_file);
        std::printf("greedy : %s\n", join(model.generate_greedy(start, n_words)).c_str());
        Generator gen(seed);
        std::printf("sampled: %s   (seed %llu)\n",
                    join(model.generate_sampled(start, n_words, gen)).c_str(),
                    static_cast<unsigned long long>(seed));
        std::printf(
            "\nA bigram model sees one word of context; greedy decoding soon loops. An LLM conditions on\n"
            "the whole context window and learns its counts as weights: that is chapters 2 to 5.\n");
    } catch (const Error& e) {
        std::fprintf(stderr, "ch01: error: %s\n", e.what());
        return 1;
    }
}
