#include "inspect.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "autograd.hpp"
#include "decoding.hpp"
#include "error.hpp"
#include "gpt2_weights.hpp"
#include "ops.hpp"
#include "random.hpp"

namespace llm::playground {

namespace fs = std::filesystem;

namespace {

// The safetensors header's JSON (the first 8 bytes give its length): enough
// to tell HuggingFace's names from the book's without reading the tensors.
std::string safetensors_header(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char n[8] = {};
    if (!in.read(reinterpret_cast<char*>(n), 8)) return "";
    uint64_t len = 0;
    for (int i = 7; i >= 0; --i) len = len << 8 | n[i];
    if (len > (100u << 20)) return "";
    std::string header(len, '\0');
    in.read(header.data(), static_cast<std::streamsize>(len));
    return header;
}

}  // namespace

LoadedModel load_playground_model(const fs::path& weights) {
    LoadedModel m;
    fs::path w = weights;
    if (w.empty() && fs::exists("output/ch05/model.safetensors"))
        w = "output/ch05/model.safetensors";
    if (w.empty()) {
        manual_seed(123);
        m.model = std::make_unique<ch04::GPTModel>(ch04::GPT_CONFIG_124M());
        m.source = "no weights given and no output/ch05/model.safetensors here";
        m.kind =
            "untrained GPT-2 124M (random weights, seed 123): its text is noise. "
            "./book run ch05 trains one on the-verdict; --weights loads a "
            "model.safetensors (ours, a chapter 7 finetune or HuggingFace's GPT-2)";
    } else {
        m.model = ch05::load_model(w);
        m.source = w.string();
        const std::string header = safetensors_header(w);
        m.kind = header.find("\"wte.weight\"") != std::string::npos
            ? "HuggingFace GPT-2 layout (OpenAI's weights)"
            : "the book's names (a chapter 5 checkpoint or a chapter 7 finetune)";
    }
    m.model->eval();
    return m;
}

std::vector<float> attention_map(ch04::GPTModel& model, const std::vector<int64_t>& ids_in,
                                 int64_t layer, int64_t head) {
    const auto& cfg = model.cfg;
    if (ids_in.empty()) throw ValueError("attention: the text has no tokens");
    if (layer < 0 || layer >= cfg.n_layers)
        throw ValueError("attention: layer must be in [0, " + std::to_string(cfg.n_layers) +
                         "), got " + std::to_string(layer));
    if (head < 0 || head >= cfg.n_heads)
        throw ValueError("attention: head must be in [0, " + std::to_string(cfg.n_heads) +
                         "), got " + std::to_string(head));
    const size_t keep = std::min(ids_in.size(), static_cast<size_t>(cfg.context_length));
    const std::vector<int64_t> ids(ids_in.end() - static_cast<std::ptrdiff_t>(keep), ids_in.end());
    auto block = std::dynamic_pointer_cast<ch04::TransformerBlock>(
        model.trf_blocks->named_children()[static_cast<size_t>(layer)].second);
    if (!block)
        throw ValueError("attention: block " + std::to_string(layer) +
                         " is not a TransformerBlock");
    auto& att = *block->att;
    NoGradGuard no_grad;
    att.keep_attn_weights = true;
    try {
        model.forward(IntTensor({1, static_cast<int64_t>(ids.size())}, ids));
    } catch (...) {
        att.keep_attn_weights = false;
        throw;
    }
    att.keep_attn_weights = false;
    const Tensor w = select(select(att.last_attn_weights, 0, 0), 0, head);  // [T, T]
    att.last_attn_weights = Tensor();
    return w.to_vector();
}

std::vector<TokenProbability> top_tokens(const std::vector<float>& logits, float temperature,
                                         int64_t k) {
    const std::vector<float> p =
        ch05::softmax_with_temperature(logits, temperature > 0 ? temperature : 1.0f);
    std::vector<int64_t> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    const size_t n = std::min(order.size(), static_cast<size_t>(std::max<int64_t>(k, 0)));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                      [&](int64_t a, int64_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    std::vector<TokenProbability> out;
    for (size_t i = 0; i < n; ++i)
        if (p[order[i]] > 0) out.push_back({order[i], p[order[i]]});
    return out;
}

}  // namespace llm::playground
