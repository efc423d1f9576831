// libFuzzer target: the playground's request readers on arbitrary bytes.
// Every input must be read or refused with llm::Error; a request that is
// read must hold what the readers promise (limits kept).
#include <cstddef>
#include <cstdint>
#include <string>

#include "error.hpp"
#include "requests.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    const llm::playground::Limits limits;
    try {
        const auto r = llm::playground::parse_generate_request(body, limits);
        if (r.prompt.empty() || r.prompt.size() > limits.max_prompt_bytes) __builtin_trap();
        if (r.max_new_tokens < 0 || r.max_new_tokens > limits.max_new_tokens) __builtin_trap();
        if (!(r.temperature >= 0) || !(r.top_p > 0) || r.top_p > 1 || r.beams > limits.max_beams)
            __builtin_trap();
    } catch (const llm::Error&) {}
    try {
        llm::playground::parse_text_request(body, limits);
    } catch (const llm::Error&) {}
    try {
        const auto a = llm::playground::parse_attention_request(body, limits);
        if (a.text.empty() || a.layer < 0 || a.head < 0) __builtin_trap();
    } catch (const llm::Error&) {}
    return 0;
}
