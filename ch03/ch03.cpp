// ch03: attention, step by step. With no arguments, the chapter's
// walkthrough; `heatmap TEXT` draws a module's attention weights as SVG.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "attention_softmax.hpp"
#include "autograd.hpp"
#include "blas.hpp"
#include "walkthrough.hpp"
#include "causal_attention.hpp"
#include "error.hpp"
#include "gpt_dataset.hpp"
#include "multihead_attention.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "plot.hpp"
#include "random.hpp"
#include "self_attention.hpp"
#include "simplified_attention.hpp"

using namespace llm;
using namespace llm::ch03;
namespace fs = std::filesystem;

namespace {

Tensor batch_of_two(const Tensor& x) { return cat({x.unsqueeze(0), x.unsqueeze(0)}, 0); }

// Attention weights of one module over the tokens of `text`, as a heatmap file.
void write_heatmap(const std::string& text, const std::string& module, int64_t head, uint64_t seed, const fs::path& out) {
    const auto& tok = ch02::gpt2_tokenizer();
    const auto ids = tok.encode(text);
    if (ids.empty()) throw ValueError("heatmap: the text is empty");
    if (ids.size() > 64) throw ValueError("heatmap: " + std::to_string(ids.size()) + " tokens; use a text of at most 64 tokens");
    std::vector<std::string> labels;
    for (auto id : ids) labels.push_back(tok.decode({id}));
    const int64_t T = static_cast<int64_t>(ids.size());
    Tensor inputs;
    if (text == "Your journey starts with one step") {
        inputs = book_inputs();  // the book's hand-made 3-d embeddings
    } else {
        manual_seed(seed);  // a seeded 3-d embedding per token id
        Tensor table = randn({50257, 3});
        std::vector<float> rows;
        for (auto id : ids) rows.insert(rows.end(), table.data() + id * 3, table.data() + id * 3 + 3);
        inputs = Tensor::from(rows, {T, 3});
    }
    NoGradGuard ng;
    Tensor weights;  // [T, T]
    std::string title;
    manual_seed(seed);
    if (module == "causal") {
        CausalAttention ca(3, 2, T, 0.0f);
        ca.forward(inputs.unsqueeze(0));
        weights = select(ca.last_attn_weights, 0, 0);
        title = "CausalAttention(3, 2), seed " + std::to_string(seed);
    } else {
        MultiHeadAttention mha(3, 4, T, 0.0f, 2);
        mha.keep_attn_weights = true;
        if (head < 0 || head >= 2) throw ValueError("heatmap: --head must be 0 or 1 for the 2-head module");
        mha.forward(inputs.unsqueeze(0));
        weights = select(select(mha.last_attn_weights, 0, 0), 0, head);
        title = "MultiHeadAttention(3, 4, 2 heads), head " + std::to_string(head) + ", seed " + std::to_string(seed);
    }
    Heatmap h{title, "key (attended to)", "query (attending)", labels, labels, weights.to_vector()};
    if (out.has_parent_path()) fs::create_directories(out.parent_path());
    write_file_atomic(out, render_heatmap_svg(h));
    std::cout << "attention weights (rows: queries, columns: keys):\n" << weights << "\nwrote " << out.string() << "\n";
}

void walkthrough(const fs::path& heatmap_out) {
    const Tensor inputs = book_inputs();
    std::printf("inputs: the 3-d embeddings of \"Your journey starts with one step\"\n");
    show("", inputs);

    section("3.3.1 A simple self-attention mechanism without trainable weights");
    {
        NoGradGuard ng;
        const Tensor scores = attention_scores_for(inputs, 1);
        show("attention scores of query x(2): ", scores);
        show("normalised by their sum:        ", scores / sum(scores));
        show("softmax_naive:                  ", softmax_naive(scores));
        const Tensor w = softmax(scores, 0);
        show("softmax:                        ", w);
        show("context vector z(2) = weights @ inputs: ", matmul(w, inputs));
    }
    section("3.3.2 Attention weights for all input tokens");
    {
        NoGradGuard ng;
        const auto a = simplified_self_attention(inputs);
        show("scores = inputs @ inputs.T:\n", a.scores);
        show("weights = softmax(scores, dim=-1):\n", a.weights);
        show("all context vectors = weights @ inputs:\n", a.context);
    }
    section("3.4.1 Computing the attention weights step by step (trainable weights, seed 123)");
    {
        manual_seed(123);
        const Tensor W_query = rand({3, 2}), W_key = rand({3, 2}), W_value = rand({3, 2});
        NoGradGuard ng;
        const Tensor x_2 = select(inputs, 0, 1);
        const Tensor query_2 = matmul(x_2, W_query);
        show("query_2 = x_2 @ W_query: ", query_2);
        const Tensor keys = matmul(inputs, W_key), values = matmul(inputs, W_value);
        std::printf("keys.shape: %s, values.shape: %s\n", shape_str(keys.shape()).c_str(), shape_str(values.shape()).c_str());
        const Tensor scores_2 = matmul(keys, query_2);
        show("attn_scores_2 = query_2 @ keys.T: ", scores_2);
        const Tensor w2 = softmax(scores_2 / std::sqrt(2.0f), 0);
        show("attn_weights_2 = softmax(scores / sqrt(d_k)): ", w2);
        show("context_vec_2: ", matmul(w2, values));
    }
    section("3.4.2 A compact self-attention class");
    manual_seed(123);
    SelfAttention_v1 sa_v1(3, 2);
    show("SelfAttention_v1 (seed 123):\n", sa_v1.forward(inputs));
    manual_seed(789);
    SelfAttention_v2 sa_v2(3, 2);
    show("SelfAttention_v2 (seed 789):\n", sa_v2.forward(inputs));

    section("3.5.1 Hiding future words with causal attention");
    {
        NoGradGuard ng;
        const Tensor scores = matmul_nt(sa_v2.W_query->forward(inputs), sa_v2.W_key->forward(inputs));
        show("softmax, lower triangle kept, rows renormalised:\n", causal_weights_by_renormalising(scores, std::sqrt(2.0f)));
        show("-inf above the diagonal, then softmax (the same):\n", causal_weights_by_neg_inf(scores, std::sqrt(2.0f)));
    }
    section("3.5.2 Masking additional attention weights with dropout");
    manual_seed(123);
    show("Dropout(0.5) on ones(6, 6), seed 123 (PyTorch's CPU generator, draw for draw):\n",
         dropout(Tensor::ones({6, 6}), 0.5f, true));
    std::printf("(the surviving entries are scaled by 1 / (1 - 0.5) = 2, so the expected sum is unchanged)\n");

    section("3.5.3 A compact causal attention class");
    const Tensor batch = batch_of_two(inputs);
    std::printf("batch.shape: %s\n", shape_str(batch.shape()).c_str());
    manual_seed(123);
    CausalAttention ca(3, 2, 6, 0.0f);
    const Tensor cv = ca.forward(batch);
    show("context_vecs (seed 123):\n", cv);

    section("3.6.1 Stacking multiple single-head attention layers");
    manual_seed(123);
    MultiHeadAttentionWrapper wrapper(3, 2, 6, 0.0f, 2);
    show("MultiHeadAttentionWrapper, 2 heads (seed 123):\n", wrapper.forward(batch));

    section("3.6.2 Multi-head attention with weight splits");
    {
        const Tensor a = Tensor::from({0.2745f, 0.6584f, 0.2775f, 0.8573f, 0.8993f, 0.0390f, 0.9268f, 0.7388f,
                                       0.7179f, 0.7058f, 0.9156f, 0.4340f, 0.0772f, 0.3565f, 0.1479f, 0.5331f,
                                       0.4066f, 0.2318f, 0.4545f, 0.9737f, 0.4606f, 0.5159f, 0.4220f, 0.5786f},
                                      {1, 2, 3, 4});
        NoGradGuard ng;
        show("batched matmul a @ a.transpose(2, 3), one product per head:\n", matmul_nt(a, a));
    }
    manual_seed(123);
    MultiHeadAttention mha(3, 2, 6, 0.0f, 2);
    show("MultiHeadAttention(d_out = 2, 2 heads) (seed 123):\n", mha.forward(batch));
    std::cout << mha.repr() << "\n";
    MultiHeadAttention gpt2_size(768, 768, 1024, 0.0f, 12);
    std::printf("GPT-2 size (768 -> 768, 12 heads, context 1024): %lld parameters\n",
                static_cast<long long>(gpt2_size.num_parameters()));

    section("Where each word looks");
    write_heatmap("Your journey starts with one step", "causal", 0, 123, heatmap_out);
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Chapter 3: coding attention mechanisms"};
    std::string out = "output/ch03/attention.svg";
    app.add_option("--out", out, "where the walkthrough writes its heatmap");
    std::string text, module = "causal";
    int64_t head = 0;
    uint64_t seed = 123;
    auto* hm = app.add_subcommand("heatmap", "attention weights of a seeded module over TEXT's tokens, as an SVG heatmap");
    hm->add_option("text", text, "the text (GPT-2 tokens label the axes)")->required();
    hm->add_option("--module", module, "causal or mha")->check(CLI::IsMember({"causal", "mha"}));
    hm->add_option("--head", head, "which head of the mha module (0 or 1)");
    hm->add_option("--seed", seed, "seed for the module's weights");
    hm->add_option("--out", out, "SVG file to write");
    CLI11_PARSE(app, argc, argv);
    try {
        if (hm->parsed()) write_heatmap(text, module, head, seed, out);
        else walkthrough(out);
    } catch (const Error& e) {
        std::fprintf(stderr, "ch03: error: %s\n", e.what());
        return 1;
    }
}
