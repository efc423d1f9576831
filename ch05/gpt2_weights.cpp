#include "gpt2_weights.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "autograd.hpp"
#include "error.hpp"
#include "gpt_model_file.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "safetensors.hpp"

namespace llm::ch05 {

namespace {

std::string strip_prefix(const std::string& name) {
    return name.rfind("transformer.", 0) == 0 ? name.substr(12) : name;
}

std::map<std::string, Tensor> without_prefix(const std::map<std::string, Tensor>& t) {
    std::map<std::string, Tensor> out;
    for (const auto& [k, v] : t) out[strip_prefix(k)] = v;
    return out;
}

}  // namespace

bool is_hf_gpt2_layout(const std::map<std::string, Tensor>& tensors) {
    return tensors.count("wte.weight") || tensors.count("transformer.wte.weight");
}

ch04::GPTConfig infer_hf_config(const std::map<std::string, Tensor>& raw,
                                const std::string& config_json, const std::string& where) {
    const auto t = without_prefix(raw);
    ch04::GPTConfig c;
    c.qkv_bias = true;
    c.drop_rate = 0.0f;
    auto need = [&](const std::string& n) -> const Tensor& {
        auto it = t.find(n);
        if (it == t.end())
            throw FormatError(where + ": tensor '" + n + "' is missing (not a GPT-2 checkpoint?)");
        return it->second;
    };
    const Tensor& wte = need("wte.weight");
    const Tensor& wpe = need("wpe.weight");
    if (wte.dim() != 2 || wpe.dim() != 2)
        throw ShapeError(where + ": wte.weight and wpe.weight must be 2-d");
    c.vocab_size = wte.size(0);
    c.emb_dim = wte.size(1);
    c.context_length = wpe.size(0);
    int64_t layers = 0;
    while (t.count("h." + std::to_string(layers) + ".ln_1.weight")) ++layers;
    c.n_layers = layers;
    c.n_heads =
        c.emb_dim % 64 == 0 ? c.emb_dim / 64 : 1;  // every GPT-2 size uses 64-dimensional heads
    if (!config_json.empty()) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(config_json);
        } catch (const nlohmann::json::exception& e) {
            throw FormatError(where + " config.json: not valid JSON: " + e.what());
        }
        auto geti = [&](const std::vector<std::string>& keys, int64_t& v) {
            for (const auto& k : keys)
                if (j.contains(k) && j[k].is_number_integer()) {
                    v = j[k].get<int64_t>();
                    return;
                }
        };
        geti({"n_head", "n_heads"}, c.n_heads);
        struct Check {
            std::vector<std::string> keys;
            int64_t* field;
        };
        const std::vector<Check> checks{
            {{"n_embd", "emb_dim"}, &c.emb_dim},
            {{"n_layer", "n_layers"}, &c.n_layers},
            {{"vocab_size"}, &c.vocab_size},
            {{"n_positions", "n_ctx", "context_length"}, &c.context_length}};
        for (const auto& chk : checks) {  // config.json must agree with the shapes
            int64_t v = -1;
            geti(chk.keys, v);
            if (v >= 0 && v != *chk.field)
                throw ShapeError(where + ": config.json says " + chk.keys.front() + " = " +
                                 std::to_string(v) + " but the weights have " +
                                 std::to_string(*chk.field));
        }
    }
    c.validate();
    return c;
}

void load_weights_into_gpt(ch04::GPTModel& model, const std::map<std::string, Tensor>& raw,
                           bool tie, const std::string& where) {
    const auto hf = without_prefix(raw);
    std::set<std::string> used;
    auto get = [&](const std::string& name, const Shape& shape) -> Tensor {
        auto it = hf.find(name);
        if (it == hf.end()) throw FormatError(where + ": tensor '" + name + "' is missing");
        if (it->second.shape() != shape)
            throw ShapeError(where + ": tensor '" + name + "' has shape " +
                             shape_str(it->second.shape()) + ", expected " + shape_str(shape) +
                             " for this configuration");
        used.insert(name);
        return it->second;
    };
    // the book's assign(left, right): a shape check, then the copy
    auto assign = [](Tensor& left, const Tensor& right) { left.copy_(right); };
    const auto& c = model.cfg;
    const int64_t E = c.emb_dim;
    NoGradGuard ng;
    assign(model.pos_emb->weight, get("wpe.weight", {c.context_length, E}));
    assign(model.tok_emb->weight, get("wte.weight", {c.vocab_size, E}));
    for (int64_t i = 0; i < c.n_layers; ++i) {
        const std::string h = "h." + std::to_string(i) + ".";
        auto& b = model.trf_blocks->at<ch04::TransformerBlock>(static_cast<size_t>(i));
        // c_attn: Conv1D [E, 3E] = [W_q^T | W_k^T | W_v^T] (columns), bias [3E]
        const auto qkv_w = split(get(h + "attn.c_attn.weight", {E, 3 * E}), E, 1);
        const auto qkv_b = split(get(h + "attn.c_attn.bias", {3 * E}), E, 0);
        ch03::MultiHeadAttention& att = *b.att;
        Linear* proj[3] = {att.W_query.get(), att.W_key.get(), att.W_value.get()};
        for (int k = 0; k < 3; ++k) {
            assign(proj[k]->weight, qkv_w[static_cast<size_t>(k)].T());
            if (!proj[k]->bias.defined())
                throw ValueError(
                    where +
                    ": the checkpoint has query/key/value biases but the model was built with qkv_bias = false");
            assign(proj[k]->bias, qkv_b[static_cast<size_t>(k)]);
        }
        assign(att.out_proj->weight, get(h + "attn.c_proj.weight", {E, E}).T());
        assign(att.out_proj->bias, get(h + "attn.c_proj.bias", {E}));
        auto& fc = b.ff->layers->at<Linear>(0);
        auto& fc_out = b.ff->layers->at<Linear>(2);
        assign(fc.weight, get(h + "mlp.c_fc.weight", {E, 4 * E}).T());
        assign(fc.bias, get(h + "mlp.c_fc.bias", {4 * E}));
        assign(fc_out.weight, get(h + "mlp.c_proj.weight", {4 * E, E}).T());
        assign(fc_out.bias, get(h + "mlp.c_proj.bias", {E}));
        assign(b.norm1->scale, get(h + "ln_1.weight", {E}));
        assign(b.norm1->shift, get(h + "ln_1.bias", {E}));
        assign(b.norm2->scale, get(h + "ln_2.weight", {E}));
        assign(b.norm2->shift, get(h + "ln_2.bias", {E}));
        used.insert(h + "attn.bias");  // HuggingFace's mask buffers: not weights
        used.insert(h + "attn.masked_bias");
    }
    assign(model.final_norm->scale, get("ln_f.weight", {E}));
    assign(model.final_norm->shift, get("ln_f.bias", {E}));
    if (hf.count("lm_head.weight"))
        get("lm_head.weight", {c.vocab_size, E});  // equal to wte in GPT-2 files
    if (tie)
        model.tie_weights();
    else {
        if (model.weights_tied())
            model.out_head->weight = Tensor::empty({c.vocab_size, E}).requires_grad_();
        assign(model.out_head->weight,
               hf.count("lm_head.weight") ? hf.at("lm_head.weight") : hf.at("wte.weight"));
    }
    for (const auto& [name, t] : hf)
        if (!used.count(name))
            throw FormatError(where + ": unexpected tensor '" + name + "' (not part of GPT-2)");
}

std::unique_ptr<ch04::GPTModel> load_model(const std::filesystem::path& path, bool tie_hf_head) {
    const auto st = load_safetensors(path);
    if (is_hf_gpt2_layout(st.tensors)) {
        const auto config_path = path.parent_path() / "config.json";
        const std::string config_json =
            std::filesystem::exists(config_path) ? read_file(config_path) : "";
        auto model = std::make_unique<ch04::GPTModel>(
            infer_hf_config(st.tensors, config_json, path.string()));
        load_weights_into_gpt(*model, st.tensors, tie_hf_head, path.string());
        return model;
    }
    if (!st.tensors.count("tok_emb.weight"))
        throw FormatError(
            path.string() +
            ": neither the book's layout (tok_emb.weight ...) nor HuggingFace's (wte.weight ...)");
    return ch04::load_gpt_model(path);
}

}  // namespace llm::ch05