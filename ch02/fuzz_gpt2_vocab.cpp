// libFuzzer target: the GPT-2 vocabulary loaders (encoder.json, vocab.bpe)
// on arbitrary contents. The input is split at its first NUL byte into the
// two files. Malformed files must raise llm::Error, never crash.
#include <cstdint>
#include <string>

#include "error.hpp"
#include "gpt2_bpe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    const size_t nul = all.find('\0');
    const std::string encoder = all.substr(0, nul),
                      bpe = nul == std::string::npos ? "" : all.substr(nul + 1);
    try {
        const auto tok = llm::ch02::GPT2Tokenizer::from_strings(encoder, bpe);
        (void)tok.encode_ordinary("hello world");
    } catch (const llm::Error&) {}
    return 0;
}
