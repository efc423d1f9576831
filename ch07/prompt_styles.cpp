#include "prompt_styles.hpp"

#include "error.hpp"

namespace llm::ch07 {

std::string format_input(const Entry& entry) {
    std::string instruction_text =
        "Below is an instruction that describes a task. "
        "Write a response that appropriately completes the request."
        "\n\n### Instruction:\n" +
        entry.instruction;
    std::string input_text = entry.input.empty() ? "" : "\n\n### Input:\n" + entry.input;
    return instruction_text + input_text;
}

std::string full_text(const Entry& entry) {
    return format_input(entry) + "\n\n### Response:\n" + entry.output;
}

PromptStyle parse_prompt_style(const std::string& name) {
    if (name == "alpaca") return PromptStyle::Alpaca;
    if (name == "phi3") return PromptStyle::Phi3;
    if (name == "llama2") return PromptStyle::Llama2;
    throw ValueError("unknown prompt style '" + name + "' (alpaca, phi3 or llama2)");
}

const char* prompt_style_name(PromptStyle style) {
    switch (style) {
        case PromptStyle::Alpaca: return "alpaca";
        case PromptStyle::Phi3: return "phi3";
        case PromptStyle::Llama2: return "llama2";
    }
    return "?";
}

std::string format_input_phi(const Entry& entry) {
    const std::string instruction_text = "<|user|>\n" + entry.instruction;
    const std::string input_text = entry.input.empty() ? "" : "\n" + entry.input;
    return instruction_text + input_text;
}

std::string format_input_llama2(const Entry& entry, const std::string& system_prompt) {
    const std::string user =
        entry.input.empty() ? entry.instruction : entry.instruction + "\n" + entry.input;
    return "[INST] <<SYS>>\n" + system_prompt + "\n<</SYS>>\n\n" + user + " [/INST]";
}

std::string format_prompt(const Entry& entry, PromptStyle style) {
    switch (style) {
        case PromptStyle::Alpaca: return format_input(entry);
        case PromptStyle::Phi3: return format_input_phi(entry);
        case PromptStyle::Llama2: return format_input_llama2(entry);
    }
    throw ValueError("format_prompt: unknown prompt style");
}

std::string response_template(PromptStyle style) {
    switch (style) {
        case PromptStyle::Alpaca: return "\n\n### Response:\n";
        case PromptStyle::Phi3: return "\n<|assistant|>:\n";
        case PromptStyle::Llama2: return " ";
    }
    throw ValueError("response_template: unknown prompt style");
}

std::string response_marker(PromptStyle style) {
    switch (style) {
        case PromptStyle::Alpaca: return "### Response:";
        case PromptStyle::Phi3: return "<|assistant|>:";
        case PromptStyle::Llama2: return "[/INST]";
    }
    throw ValueError("response_marker: unknown prompt style");
}

std::string full_text(const Entry& entry, PromptStyle style) {
    return format_prompt(entry, style) + response_template(style) + entry.output;
}

}  // namespace llm::ch07
