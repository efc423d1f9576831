// ch04: a GPT model from scratch. With no arguments, the chapter's
// walkthrough; `generate --prompt TEXT` continues a text greedily.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "autograd.hpp"
#include "bench.hpp"
#include "blas.hpp"
#include "walkthrough.hpp"
#include "dummy_gpt.hpp"
#include "error.hpp"
#include "generate.hpp"
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
        if (T >= 0 && static_cast<int64_t>(e.size()) != T) throw ValueError("batch texts must have the same token count");
        T = static_cast<int64_t>(e.size());
        ids.insert(ids.end(), e.begin(), e.end());
    }
    return IntTensor({static_cast<int64_t>(texts.size()), T}, ids);
}

void gelu_relu_plot(const fs::path& out) {
    Series g{"GELU", {}, {}, "#1f77b4", false}, r{"ReLU", {}, {}, "#d62728", true};
    NoGradGuard ng;
    const Tensor x = Tensor::arange(-3.0f, 3.0001f, 0.05f);
    const Tensor gy = gelu(x), ry = relu(x);
    for (int64_t i = 0; i < x.numel(); ++i) {
        g.x.push_back(x.data()[i]); g.y.push_back(gy.data()[i]);
        r.x.push_back(x.data()[i]); r.y.push_back(ry.data()[i]);
    }
    fs::create_directories(out.parent_path());
    save_svg(out, Chart{"GELU and ReLU", "x", "activation", {g, r}, "", 0});
    std::printf("wrote %s\n", out.c_str());
}

void walkthrough(const fs::path& out_dir) {
    const GPTConfig cfg = GPT_CONFIG_124M();
    section("4.1 Coding an LLM architecture");
    std::printf("GPT_CONFIG_124M = %s\n", cfg.to_json().c_str());
    const IntTensor batch = encode_batch({"Every effort moves you", "Every day holds a"});
    std::cout << "batch:\n" << batch << "\n";
    {
        manual_seed(123);
        DummyGPTModel dummy(cfg);
        NoGradGuard ng;
        const Tensor logits = dummy.forward(batch);
        std::printf("DummyGPTModel output shape: %s (one score per vocabulary entry, per position)\n",
                    shape_str(logits.shape()).c_str());
    }

    section("4.2 Normalizing activations with layer normalization");
    manual_seed(123);
    const Tensor batch_example = randn({2, 5});
    Sequential layer({std::make_shared<Linear>(5, 6), std::make_shared<ReLU>()});
    const Tensor out = layer.forward(batch_example);
    show("out = Sequential(Linear(5, 6), ReLU)(randn(2, 5)):\n", out);
    {
        NoGradGuard ng;
        show("mean per row: ", mean(out, -1, true));
        show("variance per row: ", var(out, -1, false, true));
        LayerNorm ln(5);
        const Tensor normed = ln.forward(batch_example);
        show("after LayerNorm(5), mean: ", mean(normed, -1, true));
        show("                    variance: ", var(normed, -1, false, true));
    }

    section("4.3 A feed-forward network with GELU activations");
    gelu_relu_plot(out_dir / "gelu-relu.svg");
    FeedForward ffn(cfg);
    {
        NoGradGuard ng;
        std::printf("FeedForward: [2, 3, 768] -> %s\n", shape_str(ffn.forward(rand({2, 3, 768})).shape()).c_str());
    }

    section("4.4 Adding shortcut connections");
    const Tensor sample = Tensor::from({{1.0f, 0.0f, -1.0f}});
    for (bool shortcut : {false, true}) {
        manual_seed(123);
        ExampleDeepNeuralNetwork m({3, 3, 3, 3, 3, 1}, shortcut);
        std::printf("%s shortcuts:\n", shortcut ? "with" : "without");
        for (auto& [name, g] : mean_weight_gradients(m, sample)) std::printf("  %s has gradient mean of %.17g\n", name.c_str(), g);
    }

    section("4.5 Connecting attention and linear layers in a transformer block");
    manual_seed(123);
    TransformerBlock block(cfg);
    {
        NoGradGuard ng;
        const Tensor x = rand({2, 4, 768});
        std::printf("input shape %s -> output shape %s\n", shape_str(x.shape()).c_str(), shape_str(block.forward(x).shape()).c_str());
    }

    section("4.6 Coding the GPT model");
    manual_seed(123);
    GPTModel model(cfg);
    {
        NoGradGuard ng;
        const Tensor logits = model.forward(batch);
        std::printf("output shape: %s\n", shape_str(logits.shape()).c_str());
        std::cout << "first logits: " << narrow(select(select(logits, 0, 0), 0, 0), 0, 0, 5) << " ...\n";
    }
    std::string tree = model.repr();
    std::printf("%s\n", tree.substr(0, tree.find("(1): TransformerBlock")).c_str());
    std::printf("    ... 11 more TransformerBlocks ...\n");
    const int64_t total = model.num_parameters();
    std::printf("Total number of parameters: %lld\n", static_cast<long long>(total));
    std::printf("Token embedding layer shape: %s\nOutput layer shape: %s\n", shape_str(model.tok_emb->weight.shape()).c_str(),
                shape_str(model.out_head->weight.shape()).c_str());
    std::printf("Number of trainable parameters considering weight tying: %lld\n",
                static_cast<long long>(total - model.out_head->weight.numel()));
    std::printf("feed-forward per block: %lld, attention per block: %lld\n",
                static_cast<long long>(block.ff->num_parameters()), static_cast<long long>(block.att->num_parameters()));
    std::printf("Total size of the model: %.2f MB\n", size_in_mb(total));
    for (const char* size : {"medium", "large", "xl"})
        std::printf("GPT-2 %-6s: %lld parameters, %.2f MB\n", size, static_cast<long long>(count_parameters(gpt2_config(size))),
                    size_in_mb(count_parameters(gpt2_config(size))));

    section("4.7 Generating text");
    model.eval();  // no dropout
    const auto ids = ch02::gpt2_tokenizer().encode("Hello, I am");
    const IntTensor encoded({1, static_cast<int64_t>(ids.size())}, ids);
    std::cout << "encoded: " << encoded << "\n";
    const IntTensor out_ids = generate_text_simple(model, encoded, 6, cfg.context_length);
    std::cout << "Output: " << out_ids << "\nOutput length: " << out_ids.numel() << "\n";
    std::printf("%s\n", ch02::gpt2_tokenizer().decode(out_ids.data).c_str());
    std::printf("(untrained: the weights are random, so is the text. Chapter 5 trains them.)\n");
    const double t0 = bench::now();
    const IntTensor cached = generate_text_cached(model, encoded, 10, cfg.context_length);
    std::printf("with the KV cache, 10 new tokens in %.2f s: %s\n", bench::now() - t0, ch02::gpt2_tokenizer().decode(cached.data).c_str());
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
    auto* gen = app.add_subcommand("generate", "greedy continuation of a prompt by the (untrained, seeded) GPT-2 124M model");
    gen->add_option("--prompt", prompt, "text to continue");
    gen->add_option("--max-new-tokens", max_new, "tokens to generate")->check(CLI::Range(0, 100000));
    gen->add_option("--seed", seed, "seed for the random weights");
    gen->add_option("--weights", weights, "book-layout safetensors to load instead of random weights (config.json beside it)")
        ->check(CLI::ExistingFile);
    gen->add_flag("--no-cache", no_cache, "recompute the whole context for every token (generate_text_simple)");
    CLI11_PARSE(app, argc, argv);
    try {
        if (!gen->parsed()) { walkthrough(out_dir); return 0; }
        GPTConfig cfg = GPT_CONFIG_124M();
        if (!weights.empty()) {
            const fs::path cfg_path = fs::path(weights).parent_path() / "config.json";
            const auto st = load_safetensors(weights);
            cfg = st.metadata.count("gpt_config") ? GPTConfig::from_metadata(st.metadata, weights)
                                                   : GPTConfig::from_json(read_file(cfg_path), cfg_path.string());
            GPTModel m(cfg);
            m.load_state_dict(st.tensors);
            m.eval();
            const auto ids = ch02::gpt2_tokenizer().encode(prompt);
            const IntTensor idx({1, static_cast<int64_t>(ids.size())}, ids);
            const IntTensor out = no_cache ? generate_text_simple(m, idx, max_new, cfg.context_length)
                                           : generate_text_cached(m, idx, max_new, cfg.context_length);
            std::printf("%s\n", ch02::gpt2_tokenizer().decode(out.data).c_str());
            return 0;
        }
        manual_seed(seed);
        GPTModel m(cfg);
        m.eval();
        const auto ids = ch02::gpt2_tokenizer().encode(prompt);
        if (ids.empty()) throw ValueError("--prompt is empty");
        const IntTensor idx({1, static_cast<int64_t>(ids.size())}, ids);
        const double t0 = bench::now();
        const IntTensor out = no_cache ? generate_text_simple(m, idx, max_new, cfg.context_length)
                                       : generate_text_cached(m, idx, max_new, cfg.context_length);
        const double dt = bench::now() - t0;
        std::printf("%s\n", ch02::gpt2_tokenizer().decode(out.data).c_str());
        std::fprintf(stderr, "%lld tokens in %.2f s (%.1f tokens/s, %s)\n", static_cast<long long>(max_new), dt,
                     static_cast<double>(max_new) / dt, no_cache ? "no cache" : "KV cache");
    } catch (const Error& e) {
        std::fprintf(stderr, "ch04: error: %s\n", e.what());
        return 1;
    }
}
