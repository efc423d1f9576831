// ch03: attention, step by step. With no arguments, the chapter's
// walkthrough; `heatmap TEXT` draws a module's attention weights as SVG.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "attention_softmax_fused.hpp"
#include "autograd.hpp"
#include "blas_startup.hpp"
#include "cli_checks.hpp"
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

// print(context_vecs); print("context_vecs.shape:", context_vecs.shape)
void show_context_vecs(const Tensor& context_vecs) {
    show("", context_vecs);
    std::printf("context_vecs.shape: %s\n", torch_size(context_vecs.shape()).c_str());
}

Tensor batch_of_two(const Tensor& x) { return cat({x.unsqueeze(0), x.unsqueeze(0)}, 0); }

// Attention weights of one module over the tokens of `text`, as a heatmap file.
void write_heatmap(const std::string& text, const std::string& module, int64_t head, uint64_t seed,
                   const fs::path& out) {
    const auto& tok = ch02::gpt2_tokenizer();
    const auto ids = tok.encode(text);
    if (ids.empty()) throw ValueError("heatmap: the text is empty");
    if (ids.size() > 64)
        throw ValueError("heatmap: " + std::to_string(ids.size()) +
                         " tokens; use a text of at most 64 tokens");
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
        for (auto id : ids)
            rows.insert(rows.end(), table.data() + id * 3, table.data() + id * 3 + 3);
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
        if (head < 0 || head >= 2)
            throw ValueError("heatmap: --head must be 0 or 1 for the 2-head module");
        mha.forward(inputs.unsqueeze(0));
        weights = select(select(mha.last_attn_weights, 0, 0), 0, head);
        title = "MultiHeadAttention(3, 4, 2 heads), head " + std::to_string(head) + ", seed " +
            std::to_string(seed);
    }
    Heatmap h{title, "key (attended to)", "query (attending)", labels, labels, weights.to_vector()};
    if (out.has_parent_path()) fs::create_directories(out.parent_path());
    write_file_atomic(out, render_heatmap_svg(h));
    std::cout << "attention weights (rows: queries, columns: keys):\n"
              << weights << "\nwrote " << out.string() << "\n";
}

// Each step prints as the book's notebook prints it (ch03/book_output_test.cpp
// holds the book's lines and checks them against this output).
void walkthrough(const fs::path& heatmap_out) {
    const Tensor inputs = book_inputs();
    std::printf("inputs: the 3-d embeddings of \"Your journey starts with one step\"\n");
    show("", inputs);

    section("3.3.1 A simple self-attention mechanism without trainable weights");
    {
        NoGradGuard ng;
        const Tensor query = select(inputs, 0, 1);  // the 2nd input token is the query
        const Tensor attn_scores_2 = attention_scores_for(inputs, 1);
        show("", attn_scores_2);
        float res = 0;  // the dot product written out, then torch.dot
        for (int64_t i = 0; i < 3; ++i) res += inputs.at({0, i}) * query.at({i});
        show("", Tensor::from({res}, {}));
        show("", sum(select(inputs, 0, 0) * query));
        const Tensor attn_weights_2_tmp = attn_scores_2 / sum(attn_scores_2);
        show("Attention weights: ", attn_weights_2_tmp);
        show("Sum: ", sum(attn_weights_2_tmp));
        const Tensor naive = softmax_naive(attn_scores_2);
        show("Attention weights: ", naive);
        show("Sum: ", sum(naive));
        const Tensor attn_weights_2 = softmax(attn_scores_2, 0);
        show("Attention weights: ", attn_weights_2);
        show("Sum: ", sum(attn_weights_2));
        show("", matmul(attn_weights_2, inputs));  // context_vec_2
    }
    section("3.3.2 Computing attention weights for all input tokens");
    {
        NoGradGuard ng;
        const auto a = simplified_self_attention(inputs);
        show("", a.scores);  // the two loops
        show("", a.scores);  // inputs @ inputs.T
        show("", a.weights);
        std::printf("Row 2 sum: %.1f\n", 0.1385 + 0.2379 + 0.2333 + 0.1240 + 0.1082 + 0.1581);
        show("All row sums: ", sum(a.weights, -1));
        show("", a.context);
        show("Previous 2nd context vector: ",
             matmul(softmax(attention_scores_for(inputs, 1), 0), inputs));
    }
    section("3.4.1 Computing the attention weights step by step");
    {
        manual_seed(123);
        const Tensor W_query = rand({3, 2}), W_key = rand({3, 2}), W_value = rand({3, 2});
        NoGradGuard ng;
        const Tensor x_2 = select(inputs, 0, 1);
        const Tensor query_2 = matmul(x_2, W_query);
        show("", query_2);
        const Tensor keys = matmul(inputs, W_key), values = matmul(inputs, W_value);
        std::printf("keys.shape: %s\nvalues.shape: %s\n", torch_size(keys.shape()).c_str(),
                    torch_size(values.shape()).c_str());
        const Tensor keys_2 = select(keys, 0, 1);
        show("", sum(query_2 * keys_2));  // attn_score_22 = query_2.dot(keys_2)
        const Tensor attn_scores_2 = matmul(keys, query_2);  // query_2 @ keys.T
        show("", attn_scores_2);
        const float d_k = static_cast<float>(keys.size(1));
        const Tensor attn_weights_2 = softmax(attn_scores_2 / std::sqrt(d_k), -1);
        show("", attn_weights_2);
        show("", matmul(attn_weights_2, values));  // context_vec_2
    }
    section("3.4.2 Implementing a compact SelfAttention class");
    manual_seed(123);
    SelfAttention_v1 sa_v1(3, 2);
    show("", sa_v1.forward(inputs));
    manual_seed(789);
    SelfAttention_v2 sa_v2(3, 2);
    show("", sa_v2.forward(inputs));

    section("3.5.1 Applying a causal attention mask");
    {
        // the book's steps, one op each (with autograd, as the book's tensors are)
        const Tensor queries = sa_v2.W_query->forward(inputs), keys = sa_v2.W_key->forward(inputs);
        const Tensor attn_scores = matmul(queries, keys.transpose(0, 1));
        const float scale = std::sqrt(static_cast<float>(keys.size(-1)));
        const Tensor attn_weights = softmax(attn_scores / scale, -1);
        show("", attn_weights);
        const int64_t context_length = attn_scores.size(0);
        const Tensor mask_simple = tril(Tensor::ones({context_length, context_length}));
        show("", mask_simple);
        const Tensor masked_simple = attn_weights * mask_simple;
        show("", masked_simple);
        const Tensor row_sums = sum(masked_simple, -1, true);
        show("", masked_simple / row_sums);  // masked_simple_norm
        const Tensor mask = triu(Tensor::ones({context_length, context_length}), 1);
        const Tensor masked = masked_fill(attn_scores, mask, -INFINITY);
        show("", masked);
        const Tensor causal_weights = softmax(masked / scale, -1);
        show("", causal_weights);

        section("3.5.2 Masking additional attention weights with dropout");
        manual_seed(123);
        Dropout dropout(0.5f);  // dropout rate of 50%
        show("", dropout.forward(Tensor::ones({6, 6})));
        manual_seed(123);
        show("", dropout.forward(causal_weights));
    }

    section("3.5.3 Implementing a compact causal self-attention class");
    const Tensor batch = batch_of_two(inputs);
    std::printf("%s\n", torch_size(batch.shape()).c_str());
    manual_seed(123);
    CausalAttention ca(3, 2, 6, 0.0f);
    show_context_vecs(ca.forward(batch));

    section("3.6.1 Stacking multiple single-head attention layers");
    manual_seed(123);
    MultiHeadAttentionWrapper wrapper(3, 2, 6, 0.0f, 2);
    show_context_vecs(wrapper.forward(batch));

    section("3.6.2 Implementing multi-head attention with weight splits");
    manual_seed(123);
    MultiHeadAttention mha(3, 2, 6, 0.0f, 2);
    show_context_vecs(mha.forward(batch));
    {
        // (b, num_heads, num_tokens, head_dim) = (1, 2, 3, 4)
        const Tensor a =
            Tensor::from({0.2745f, 0.6584f, 0.2775f, 0.8573f, 0.8993f, 0.0390f, 0.9268f, 0.7388f,
                          0.7179f, 0.7058f, 0.9156f, 0.4340f, 0.0772f, 0.3565f, 0.1479f, 0.5331f,
                          0.4066f, 0.2318f, 0.4545f, 0.9737f, 0.4606f, 0.5159f, 0.4220f, 0.5786f},
                         {1, 2, 3, 4});
        NoGradGuard ng;
        show("", matmul(a, a.transpose(2, 3)));
        const Tensor first_head = select(select(a, 0, 0), 0, 0),
                     second_head = select(select(a, 0, 0), 0, 1);
        show("First head:\n ", matmul(first_head, first_head.transpose(0, 1)));
        show("\nSecond head:\n ", matmul(second_head, second_head.transpose(0, 1)));
    }
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
    auto* hm = app.add_subcommand(
        "heatmap", "attention weights of a seeded module over TEXT's tokens, as an SVG heatmap");
    hm->add_option("text", text, "the text (GPT-2 tokens label the axes)")->required();
    hm->add_option("--module", module, "causal or mha")->check(CLI::IsMember({"causal", "mha"}));
    hm->add_option("--head", head, "which head of the mha module (0 or 1)")
        ->check(CLI::Range(0, 1));
    hm->add_option("--seed", seed, "seed for the module's weights")->check(NonNegativeInteger());
    hm->add_option("--out", out, "SVG file to write");
    CLI11_PARSE(app, argc, argv);
    try {
        if (hm->parsed())
            write_heatmap(text, module, head, seed, out);
        else
            walkthrough(out);
    } catch (const Error& e) {
        std::fprintf(stderr, "ch03: error: %s\n", e.what());
        return 1;
    }
}
