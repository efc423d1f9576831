// libFuzzer target: the safetensors reader on arbitrary bytes. Every input
// must either parse or raise llm::Error; nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>

#include "error.hpp"
#include "safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const auto st = llm::parse_safetensors(data, size, "fuzz.safetensors");
        for (const auto& [name, t] : st.tensors) (void)t.numel();
    } catch (const llm::Error&) {}
    return 0;
}
