// libFuzzer target: the GPT-2 vocabulary loaders (encoder.json, vocab.bpe)
// on arbitrary contents. The input is split at its first NUL byte into the
// two files. Malformed files must raise llm::Error, never crash; and
// whenever the fast encoder.json reader accepts a text, nlohmann's reader
// must read the same entries from it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "encoder_json.hpp"
#include "error.hpp"
#include "gpt2_bpe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    const size_t nul = all.find('\0');
    const std::string encoder = all.substr(0, nul),
                      bpe = nul == std::string::npos ? "" : all.substr(nul + 1);
    llm::ch02::EncoderEntries fast;
    if (llm::ch02::read_encoder_json_fast(encoder, fast)) {
        try {
            if (llm::ch02::read_encoder_json_sax(encoder, "encoder.json") != fast) std::abort();
        } catch (const llm::Error&) { std::abort(); }
    }
    try {
        const auto tok = llm::ch02::GPT2Tokenizer::from_strings(encoder, bpe);
        (void)tok.encode_ordinary("hello world");
    } catch (const llm::Error&) {}
    return 0;
}
