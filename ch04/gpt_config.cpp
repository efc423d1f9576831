#include "gpt_config.hpp"

#include <nlohmann/json.hpp>

#include "error.hpp"

namespace llm::ch04 {

void GPTConfig::validate() const {
    auto positive = [](int64_t v, const char* name) {
        if (v <= 0)
            throw ValueError(std::string("GPT config: ") + name + " must be positive, got " +
                             std::to_string(v));
    };
    positive(vocab_size, "vocab_size");
    positive(context_length, "context_length");
    positive(emb_dim, "emb_dim");
    positive(n_heads, "n_heads");
    positive(n_layers, "n_layers");
    if (emb_dim % n_heads != 0)
        throw ValueError("GPT config: emb_dim (" + std::to_string(emb_dim) +
                         ") must be divisible by n_heads (" + std::to_string(n_heads) + ")");
    if (!(drop_rate >= 0.0f && drop_rate < 1.0f))
        throw ValueError("GPT config: drop_rate must be in [0, 1), got " +
                         std::to_string(drop_rate));
}

std::string GPTConfig::to_json() const {
    nlohmann::json j{{"vocab_size", vocab_size}, {"context_length", context_length},
                     {"emb_dim", emb_dim},       {"n_heads", n_heads},
                     {"n_layers", n_layers},     {"drop_rate", drop_rate},
                     {"qkv_bias", qkv_bias}};
    return j.dump(1);
}

GPTConfig GPTConfig::from_json(const std::string& text, const std::string& where) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(where + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw FormatError(where + ": expected a JSON object");
    GPTConfig c;
    auto get_int = [&](const char* k, int64_t& v) {
        if (!j.contains(k)) return;
        if (!j[k].is_number_integer())
            throw FormatError(where + ": '" + k + "' must be an integer");
        v = j[k].get<int64_t>();
    };
    get_int("vocab_size", c.vocab_size);
    get_int("context_length", c.context_length);
    get_int("emb_dim", c.emb_dim);
    get_int("n_heads", c.n_heads);
    get_int("n_layers", c.n_layers);
    if (j.contains("drop_rate")) {
        if (!j["drop_rate"].is_number())
            throw FormatError(where + ": 'drop_rate' must be a number");
        c.drop_rate = j["drop_rate"].get<float>();
    }
    if (j.contains("qkv_bias")) {
        if (!j["qkv_bias"].is_boolean())
            throw FormatError(where + ": 'qkv_bias' must be true or false");
        c.qkv_bias = j["qkv_bias"].get<bool>();
    }
    c.validate();
    return c;
}

std::map<std::string, std::string> GPTConfig::to_metadata() const {
    return {{"gpt_config", to_json()}};
}

GPTConfig GPTConfig::from_metadata(const std::map<std::string, std::string>& meta,
                                   const std::string& where) {
    auto it = meta.find("gpt_config");
    if (it == meta.end()) throw FormatError(where + ": no gpt_config in the file's metadata");
    return from_json(it->second, where + " (metadata gpt_config)");
}

GPTConfig GPT_CONFIG_124M() { return GPTConfig{}; }

GPTConfig gpt2_config(const std::string& size) {
    GPTConfig c;
    if (size == "small" || size == "124M") return c;
    if (size == "medium" || size == "355M") {
        c.emb_dim = 1024;
        c.n_layers = 24;
        c.n_heads = 16;
        return c;
    }
    if (size == "large" || size == "774M") {
        c.emb_dim = 1280;
        c.n_layers = 36;
        c.n_heads = 20;
        return c;
    }
    if (size == "xl" || size == "1558M") {
        c.emb_dim = 1600;
        c.n_layers = 48;
        c.n_heads = 25;
        return c;
    }
    throw ValueError("unknown GPT-2 size '" + size + "' (small, medium, large or xl)");
}

}  // namespace llm::ch04
