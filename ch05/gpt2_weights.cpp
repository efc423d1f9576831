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

// Where load_weights_into_gpt reads tensors from, by HuggingFace's names
// without the "transformer." prefix: a dict already in memory, or a file read
// tensor by tensor (nothing but the model holds all the weights at once).
struct WeightSource {
    virtual ~WeightSource() = default;
    virtual std::vector<std::string> names() const = 0;
    virtual const Shape* shape(const std::string& name) const = 0;  // nullptr: absent
    virtual void load_into(const std::string& name, float* dst) const = 0;
    Tensor load(const std::string& name) const {
        Tensor t = Tensor::empty(*shape(name));
        load_into(name, t.data());
        return t;
    }
};

struct DictSource : WeightSource {
    std::map<std::string, Tensor> t;
    explicit DictSource(const std::map<std::string, Tensor>& raw) {
        for (const auto& [k, v] : raw) t[strip_prefix(k)] = v;
    }
    std::vector<std::string> names() const override {
        std::vector<std::string> n;
        for (const auto& [k, v] : t) n.push_back(k);
        return n;
    }
    const Shape* shape(const std::string& name) const override {
        auto it = t.find(name);
        return it == t.end() ? nullptr : &it->second.shape();
    }
    void load_into(const std::string& name, float* dst) const override {
        const Tensor& v = t.at(name);
        std::copy(v.data(), v.data() + v.numel(), dst);
    }
};

struct FileSource : WeightSource {
    const SafeTensorsFile& file;
    std::map<std::string, std::string> stored;  // name without prefix -> name in the file
    explicit FileSource(const SafeTensorsFile& f) : file(f) {
        for (const auto& n : f.names()) stored[strip_prefix(n)] = n;
    }
    std::vector<std::string> names() const override {
        std::vector<std::string> n;
        for (const auto& [k, v] : stored) n.push_back(k);
        return n;
    }
    const Shape* shape(const std::string& name) const override {
        auto it = stored.find(name);
        return it == stored.end() ? nullptr : &file.shape(it->second);
    }
    void load_into(const std::string& name, float* dst) const override {
        file.load_into(stored.at(name), dst);
    }
};

ch04::GPTConfig infer_config(const WeightSource& t, const std::string& config_json,
                             const std::string& where);
void load_weights(ch04::GPTModel& model, const WeightSource& hf, bool tie,
                  const std::string& where);

}  // namespace

bool is_hf_gpt2_layout(const std::map<std::string, Tensor>& tensors) {
    return tensors.count("wte.weight") || tensors.count("transformer.wte.weight");
}

ch04::GPTConfig infer_hf_config(const std::map<std::string, Tensor>& raw,
                                const std::string& config_json, const std::string& where) {
    return infer_config(DictSource(raw), config_json, where);
}

void load_weights_into_gpt(ch04::GPTModel& model, const std::map<std::string, Tensor>& raw,
                           bool tie, const std::string& where) {
    load_weights(model, DictSource(raw), tie, where);
}

namespace {

ch04::GPTConfig infer_config(const WeightSource& t, const std::string& config_json,
                             const std::string& where) {
    ch04::GPTConfig c;
    c.qkv_bias = true;
    c.drop_rate = 0.0f;
    auto need = [&](const std::string& n) -> const Shape& {
        const Shape* s = t.shape(n);
        if (!s)
            throw FormatError(where + ": tensor '" + n + "' is missing (not a GPT-2 checkpoint?)");
        return *s;
    };
    const Shape& wte = need("wte.weight");
    const Shape& wpe = need("wpe.weight");
    if (wte.size() != 2 || wpe.size() != 2)
        throw ShapeError(where + ": wte.weight and wpe.weight must be 2-d");
    c.vocab_size = wte[0];
    c.emb_dim = wte[1];
    c.context_length = wpe[0];
    int64_t layers = 0;
    while (t.shape("h." + std::to_string(layers) + ".ln_1.weight")) ++layers;
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

void load_weights(ch04::GPTModel& model, const WeightSource& hf, bool tie,
                  const std::string& where) {
    std::set<std::string> used;
    auto check = [&](const std::string& name, const Shape& shape) {
        const Shape* s = hf.shape(name);
        if (!s) throw FormatError(where + ": tensor '" + name + "' is missing");
        if (*s != shape)
            throw ShapeError(where + ": tensor '" + name + "' has shape " + shape_str(*s) +
                             ", expected " + shape_str(shape) + " for this configuration");
        used.insert(name);
    };
    // a tensor that needs reshaping on the way (Conv1D weights are transposed)
    auto get = [&](const std::string& name, const Shape& shape) -> Tensor {
        check(name, shape);
        return hf.load(name);
    };
    // the book's assign(left, right): a shape check, then the copy
    auto assign = [](Tensor& left, const Tensor& right) { left.copy_(right); };
    // the same straight from the source into the parameter (no copy in between)
    auto assign_from = [&](Tensor& left, const std::string& name) {
        check(name, left.shape());
        hf.load_into(name, left.data());
    };
    const auto& c = model.cfg;
    const int64_t E = c.emb_dim;
    NoGradGuard ng;
    assign_from(model.pos_emb->weight, "wpe.weight");
    assign_from(model.tok_emb->weight, "wte.weight");
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
        assign_from(att.out_proj->bias, h + "attn.c_proj.bias");
        auto& fc = b.ff->layers->at<Linear>(0);
        auto& fc_out = b.ff->layers->at<Linear>(2);
        assign(fc.weight, get(h + "mlp.c_fc.weight", {E, 4 * E}).T());
        assign_from(fc.bias, h + "mlp.c_fc.bias");
        assign(fc_out.weight, get(h + "mlp.c_proj.weight", {4 * E, E}).T());
        assign_from(fc_out.bias, h + "mlp.c_proj.bias");
        assign_from(b.norm1->scale, h + "ln_1.weight");
        assign_from(b.norm1->shift, h + "ln_1.bias");
        assign_from(b.norm2->scale, h + "ln_2.weight");
        assign_from(b.norm2->shift, h + "ln_2.bias");
        used.insert(h + "attn.bias");  // HuggingFace's mask buffers: not weights
        used.insert(h + "attn.masked_bias");
    }
    assign_from(model.final_norm->scale, "ln_f.weight");
    assign_from(model.final_norm->shift, "ln_f.bias");
    const bool has_head = hf.shape("lm_head.weight") != nullptr;
    if (has_head) check("lm_head.weight", {c.vocab_size, E});  // equal to wte in GPT-2 files
    if (tie)
        model.tie_weights();
    else {
        if (model.weights_tied())
            model.out_head->weight = Tensor::empty({c.vocab_size, E}).requires_grad_();
        if (has_head)
            assign_from(model.out_head->weight, "lm_head.weight");
        else  // the book's loader: a copy of wte (already in tok_emb: no second read)
            assign(model.out_head->weight, model.tok_emb->weight);
    }
    for (const auto& name : hf.names())
        if (!used.count(name))
            throw FormatError(where + ": unexpected tensor '" + name + "' (not part of GPT-2)");
}

}  // namespace

std::unique_ptr<ch04::GPTModel> load_model(const std::filesystem::path& path, bool tie_hf_head) {
    const SafeTensorsFile file(path);  // the header only; tensors are read as they are copied
    const FileSource hf(file);
    if (hf.shape("wte.weight")) {
        const auto config_path = path.parent_path() / "config.json";
        const std::string config_json =
            std::filesystem::exists(config_path) ? read_file(config_path) : "";
        const ch04::GPTConfig cfg = infer_config(hf, config_json, path.string());
        auto model = [&] {
            const SkipInit skip;  // load_weights writes every parameter (or throws)
            return std::make_unique<ch04::GPTModel>(cfg);
        }();
        load_weights(*model, hf, tie_hf_head, path.string());
        return model;
    }
    if (!file.contains("tok_emb.weight"))
        throw FormatError(
            path.string() +
            ": neither the book's layout (tok_emb.weight ...) nor HuggingFace's (wte.weight ...)");
    return ch04::load_gpt_model(path);
}

}  // namespace llm::ch05
