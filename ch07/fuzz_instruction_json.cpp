// libFuzzer target: the instruction-data JSON reader and every prompt
// formatter on arbitrary bytes. Every input must either parse or raise
// llm::Error; each entry read must format in every style, and each style's
// full text must begin with its prompt; nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "error.hpp"
#include "instruction_data.hpp"
#include "prompt_styles.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& entry : llm::ch07::parse_instruction_data(bytes, "fuzz.json"))
            for (const auto style : {llm::ch07::PromptStyle::Alpaca, llm::ch07::PromptStyle::Phi3,
                                     llm::ch07::PromptStyle::Llama2}) {
                const std::string prompt = llm::ch07::format_prompt(entry, style);
                if (llm::ch07::full_text(entry, style).rfind(prompt, 0) != 0) __builtin_trap();
            }
    } catch (const llm::Error&) {}
    return 0;
}
