#include "requests.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "error.hpp"
#include "prompt_styles.hpp"

namespace llm::playground {

using nlohmann::json;

namespace {

// The body as a JSON object whose keys are all in `known`.
json parse_object(const std::string& body, const std::set<std::string>& known) {
    json j;
    try {
        j = json::parse(body);
    } catch (const json::exception& e) {
        throw ValueError(std::string("the body is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw ValueError("the body must be a JSON object");
    for (const auto& [key, value] : j.items())
        if (!known.count(key)) throw ValueError("unknown field '" + key + "'");
    return j;
}

std::string text_field(const json& j, const char* key, size_t max_bytes, bool required) {
    if (!j.contains(key)) {
        if (required) throw ValueError(std::string("'") + key + "' is missing");
        return "";
    }
    if (!j[key].is_string()) throw ValueError(std::string("'") + key + "' must be a string");
    std::string s = j[key].get<std::string>();
    if (s.size() > max_bytes)
        throw ValueError(std::string("'") + key + "' is " + std::to_string(s.size()) +
                         " bytes; at most " + std::to_string(max_bytes));
    return s;
}

int64_t int_field(const json& j, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
    if (!j.contains(key)) return fallback;
    const json& v = j[key];
    if (!v.is_number_integer()) throw ValueError(std::string("'") + key + "' must be an integer");
    // a negative number is stored signed, a large positive one unsigned
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(hi)
                               : (v.get<int64_t>() < lo || v.get<int64_t>() > hi))
        throw ValueError(std::string("'") + key + "' must be in [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "], got " + v.dump());
    return v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
}

float float_field(const json& j, const char* key, float fallback, double lo, double hi,
                  bool open_low = false) {
    if (!j.contains(key)) return fallback;
    const json& v = j[key];
    if (!v.is_number()) throw ValueError(std::string("'") + key + "' must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < lo || d > hi || (open_low && d <= lo))
        throw ValueError(std::string("'") + key + "' must be a finite number in " +
                         (open_low ? "(" : "[") + json(lo).dump() + ", " + json(hi).dump() +
                         "], got " + v.dump());
    return static_cast<float>(d);
}

}  // namespace

GenerateRequest parse_generate_request(const std::string& body, const Limits& limits) {
    const json j = parse_object(body,
                                {"prompt", "prompt_style", "input", "max_new_tokens", "temperature",
                                 "top_k", "top_p", "repetition_penalty", "beams", "seed", "top"});
    GenerateRequest r;
    r.prompt = text_field(j, "prompt", limits.max_prompt_bytes, true);
    if (r.prompt.empty()) throw ValueError("'prompt' is empty: give a text to continue");
    const std::string style = text_field(j, "prompt_style", 16, false);
    if (!style.empty() && style != "none") r.style = ch07::parse_prompt_style(style);
    r.input = text_field(j, "input", limits.max_prompt_bytes, false);
    if (!r.input.empty() && !r.style)
        throw ValueError("'input' goes with a prompt style (alpaca, phi3, llama2)");
    r.max_new_tokens = int_field(j, "max_new_tokens", r.max_new_tokens, 0, limits.max_new_tokens);
    r.temperature = float_field(j, "temperature", r.temperature, 0.0, 100.0);
    r.top_k = int_field(j, "top_k", r.top_k, 0, 1000000);
    r.top_p = float_field(j, "top_p", r.top_p, 0.0, 1.0, true);
    r.repetition_penalty = float_field(j, "repetition_penalty", r.repetition_penalty, 1e-3, 100.0);
    r.beams = int_field(j, "beams", r.beams, 0, limits.max_beams);
    r.seed = static_cast<uint64_t>(int_field(j, "seed", 123, 0, INT64_MAX));
    r.top = int_field(j, "top", r.top, 0, limits.max_top);
    return r;
}

std::string parse_text_request(const std::string& body, const Limits& limits) {
    const json j = parse_object(body, {"text"});
    return text_field(j, "text", limits.max_prompt_bytes, true);
}

AttentionRequest parse_attention_request(const std::string& body, const Limits& limits) {
    const json j = parse_object(body, {"text", "layer", "head"});
    AttentionRequest r;
    r.text = text_field(j, "text", limits.max_prompt_bytes, true);
    if (r.text.empty()) throw ValueError("'text' is empty");
    r.layer = int_field(j, "layer", 0, 0, 1000);
    r.head = int_field(j, "head", 0, 0, 1000);
    return r;
}

}  // namespace llm::playground
