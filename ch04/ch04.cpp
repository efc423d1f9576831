// ch04: a GPT model from scratch. With no arguments, the chapter's
// walkthrough; `generate --prompt TEXT` continues a text greedily.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "autograd.hpp"
#include "bench.hpp"
#include "blas_startup.hpp"
#include "cli_checks.hpp"
#include "walkthrough.hpp"
#include "dummy_gpt.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "gpt_model_file.hpp"
#include "gpt_dataset.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "plot.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "shortcut_demo.hpp"

using namespace llm;
using namespace llm::ch04;
namespace fs = std::filesystem;

namespace {

IntTensor encode_batch(const std::vector<std::string>& texts) {
    std::vector<int64_t> ids;
    int64_t T = -1;
    for (const auto& t : texts) {
        const auto e = ch02::gpt2_tokenizer().encode(t);
        if (T >= 0 && static_cast<int64_t>(e.size()) != T)
            throw ValueError("batch texts must have the same token count");
        T = static_cast<int64_t>(e.size());
        ids.insert(ids.end(), e.begin(), e.end());
    }
    return IntTensor({static_cast<int64_t>(texts.size()), T}, ids);
}

void gelu_relu_plot(const fs::path& out) {
    Series g{"GELU", {}, {}, "#1f77b4", false}, r{"ReLU", {}, {}, "#d62728", true};
    NoGradGuard ng;
    const Tensor x = Tensor::arange(-3.0f, 3.0001f, 0.05f);
    GELU gelu;  // the book's formula
    const Tensor gy = gelu.forward(x), ry = relu(x);
    for (int64_t i = 0; i < x.numel(); ++i) {
        g.x.push_back(x.data()[i]);
        g.y.push_back(gy.data()[i]);
        r.x.push_back(x.data()[i]);
        r.y.push_back(ry.data()[i]);
    }
    fs::create_directories(out.parent_path());
    save_svg(out, Chart{"GELU and ReLU", "x", "activation", {g, r}, "", 0});
    std::printf("wrote %s\n", out.c_str());
}

// 163009536 -> "163,009,536", as Python's f"{n:,}" prints it.
std::string thousands(int64_t n) {
    std::string d = std::to_string(n), out;
    for (size_t i = 0; i < d.size(); ++i) {
        if (i && (d.size() - i) % 3 == 0) out += ',';
        out += d[i];
    }
    return out;
}

// Each step prints as the book's notebook prints it (ch04/book_output_test.cpp
// holds the book's lines and checks them against this output).
void walkthrough(const fs::path& out_dir) {
    const GPTConfig cfg = GPT_CONFIG_124M();
    section("4.1 Coding an LLM architecture");
    std::printf("GPT_CONFIG_124M = %s\n", cfg.to_json().c_str());
    const IntTensor batch = encode_batch({"Every effort moves you", "Every day holds a"});
    std::cout << batch << "\n";
    {
        manual_seed(123);
        DummyGPTModel dummy(cfg);
        const Tensor logits = dummy.forward(batch);
        std::printf("Output shape: %s\n", torch_size(logits.shape()).c_str());
        show("", logits);
    }

    section("4.2 Normalizing activations with layer normalization");
    manual_seed(123);
    const Tensor batch_example = randn({2, 5});  // 2 examples with 5 features each
    Sequential layer({std::make_shared<Linear>(5, 6), std::make_shared<ReLU>()});
    const Tensor out = layer.forward(batch_example);
    show("", out);
    {
        const Tensor m = mean(out, -1, true),
                     v = var(out, -1, true, true);  // out.var: unbiased, as PyTorch's default
        show("Mean:\n ", m);
        show("Variance:\n ", v);
        const Tensor out_norm = (out - m) / sqrt(v);
        show("Normalized layer outputs:\n ", out_norm);
        show("Mean:\n ", mean(out_norm, -1, true));
        show("Variance:\n ", var(out_norm, -1, true, true));
        print_options().sci_mode = SciMode::Off;  // torch.set_printoptions(sci_mode=False)
        show("Mean:\n ", mean(out_norm, -1, true));
        show("Variance:\n ", var(out_norm, -1, true, true));
        LayerNorm ln(5);
        const Tensor out_ln = ln.forward(batch_example);
        show("Mean:\n ", mean(out_ln, -1, true));
        show("Variance:\n ",
             var(out_ln, -1, false, true));  // unbiased=False, as LayerNorm divides by n
        print_options().sci_mode = SciMode::Auto;
    }

    section("4.3 Implementing a feed forward network with GELU activations");
    gelu_relu_plot(out_dir / "gelu-relu.svg");
    std::printf("%lld\n", static_cast<long long>(cfg.emb_dim));
    FeedForward ffn(cfg);
    {
        NoGradGuard ng;
        std::printf("%s\n", torch_size(ffn.forward(rand({2, 3, 768})).shape()).c_str());
    }

    section("4.4 Adding shortcut connections");
    const Tensor sample = Tensor::from({{1.0f, 0.0f, -1.0f}});
    for (bool shortcut : {false, true}) {
        manual_seed(123);
        ExampleDeepNeuralNetwork m({3, 3, 3, 3, 3, 1}, shortcut);
        std::printf("%s shortcut connections:\n", shortcut ? "with" : "without");
        for (auto& [name, g] : mean_weight_gradients(m, sample))
            std::printf("%s has gradient mean of %.17g\n", name.c_str(), g);
    }

    section("4.5 Connecting attention and linear layers in a transformer block");
    manual_seed(123);
    TransformerBlock block(cfg);
    {
        NoGradGuard ng;
        const Tensor x = rand({2, 4, 768});
        std::printf("Input shape: %s\nOutput shape: %s\n", torch_size(x.shape()).c_str(),
                    torch_size(block.forward(x).shape()).c_str());
    }

    section("4.6 Coding the GPT model");
    manual_seed(123);
    GPTModel model(cfg);
    {
        const Tensor logits = model.forward(batch);
        std::cout << "Input batch:\n " << batch << "\n\n";
        std::printf("Output shape: %s\n", torch_size(logits.shape()).c_str());
        show("", logits);
    }
    std::string tree = model.repr();
    std::printf("%s\n", tree.substr(0, tree.find("(1): TransformerBlock")).c_str());
    std::printf("    ... 11 more TransformerBlocks ...\n");
    const int64_t total = model.num_parameters();
    std::printf("Total number of parameters: %s\n", thousands(total).c_str());
    std::printf("Token embedding layer shape: %s\nOutput layer shape: %s\n",
                torch_size(model.tok_emb->weight.shape()).c_str(),
                torch_size(model.out_head->weight.shape()).c_str());
    std::printf("Number of trainable parameters considering weight tying: %s\n",
                thousands(total - model.out_head->weight.numel()).c_str());
    std::printf("feed-forward per block: %s, attention per block: %s\n",
                thousands(block.ff->num_parameters()).c_str(),
                thousands(block.att->num_parameters()).c_str());
    std::printf("Total size of the model: %.2f MB\n", size_in_mb(total));
    for (const char* size : {"medium", "large", "xl"})
        std::printf("GPT-2 %-6s: %s parameters, %.2f MB\n", size,
                    thousands(count_parameters(gpt2_config(size))).c_str(),
                    size_in_mb(count_parameters(gpt2_config(size))));

    section("4.7 Generating text");
    model.eval();  // no dropout
    const auto ids = ch02::gpt2_tokenizer().encode("Hello, I am");
    const IntTensor encoded({1, static_cast<int64_t>(ids.size())}, ids);
    std::printf("encoded: %s\nencoded_tensor.shape: %s\n", py_list(ids).c_str(),
                torch_size(encoded.shape).c_str());
    const IntTensor out_ids = generate_text_simple(model, encoded, 6, cfg.context_length);
    std::cout << "Output: " << out_ids << "\nOutput length: " << out_ids.numel() << "\n";
    std::printf("%s\n", ch02::gpt2_tokenizer().decode(out_ids.data).c_str());
    std::printf("(untrained: the weights are random, so is the text. Chapter 5 trains them.)\n");
    const double t0 = bench::now();
    const IntTensor cached = generate_text_cached(model, encoded, 10, cfg.context_length);
    std::printf("with the KV cache, 10 new tokens in %.2f s: %s\n", bench::now() - t0,
                ch02::gpt2_tokenizer().decode(cached.data).c_str());
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 4: implementing a GPT model from scratch"};
    std::string out_dir = "output/ch04";
    app.add_option("--out", out_dir, "folder for the walkthrough's figures");
    std::string prompt = "Hello, I am", weights;
    int64_t max_new = 10;
    uint64_t seed = 123;
    bool no_cache = false;
    auto* gen = app.add_subcommand(
        "generate", "greedy continuation of a prompt by the (untrained, seeded) GPT-2 124M model");
    gen->add_option("--prompt", prompt, "text to continue");
    gen->add_option("--max-new-tokens", max_new, "tokens to generate")
        ->check(CLI::Range(0, 100000));
    gen->add_option("--seed", seed, "seed for the random weights")->check(NonNegativeInteger());
    gen->add_option(
           "--weights", weights,
           "book-layout safetensors to load instead of random weights (config.json beside it)")
        ->check(CLI::ExistingFile);
    gen->add_flag("--no-cache", no_cache,
                  "recompute the whole context for every token (generate_text_simple)");
    CLI11_PARSE(app, argc, argv);
    try {
        if (!gen->parsed()) {
            walkthrough(out_dir);
            return 0;
        }
        // the prompt first: an empty one is an error before any model is built or read
        const auto ids = ch02::gpt2_tokenizer().encode(prompt);
        if (ids.empty()) throw ValueError("--prompt is empty: give a text to continue");
        const IntTensor idx({1, static_cast<int64_t>(ids.size())}, ids);
        GPTConfig cfg = GPT_CONFIG_124M();
        if (!weights.empty()) {
            const auto model = load_gpt_model(weights);
            GPTModel& m = *model;
            cfg = m.cfg;
            m.eval();
            const IntTensor out = no_cache
                ? generate_text_simple(m, idx, max_new, cfg.context_length)
                : generate_text_cached(m, idx, max_new, cfg.context_length);
            std::printf("%s\n", ch02::gpt2_tokenizer().decode(out.data).c_str());
            return 0;
        }
        manual_seed(seed);
        GPTModel m(cfg);
        m.eval();
        const double t0 = bench::now();
        const IntTensor out = no_cache ? generate_text_simple(m, idx, max_new, cfg.context_length)
                                       : generate_text_cached(m, idx, max_new, cfg.context_length);
        const double dt = bench::now() - t0;
        std::printf("%s\n", ch02::gpt2_tokenizer().decode(out.data).c_str());
        std::fprintf(stderr, "%lld tokens in %.2f s (%.1f tokens/s, %s)\n",
                     static_cast<long long>(max_new), dt, static_cast<double>(max_new) / dt,
                     no_cache ? "no cache" : "KV cache");
    } catch (const Error& e) {
        std::fprintf(stderr, "ch04: error: %s\n", e.what());
        return 1;
    }
}
