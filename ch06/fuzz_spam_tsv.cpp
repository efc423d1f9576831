// libFuzzer target: the SMS Spam Collection reader and the split-CSV reader
// on arbitrary bytes. Every input must either parse or raise llm::Error;
// nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "error.hpp"
#include "spam_data.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        const auto df = llm::ch06::parse_sms_spam_collection(bytes, "fuzz.tsv");
        if (df.label.size() != df.text.size()) __builtin_trap();
    } catch (const llm::Error&) {}
    try {
        const auto df = llm::ch06::parse_split_csv(bytes, "fuzz.csv");
        if (df.label.size() != df.text.size()) __builtin_trap();
    } catch (const llm::Error&) {}
    return 0;
}
