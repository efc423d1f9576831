// libFuzzer target: GPT-2 BPE on arbitrary bytes. Valid UTF-8 must
// round-trip exactly (decode(encode(text)) == text, in both modes);
// anything else must raise llm::Error, never crash. The pre-tokenizer's
// pieces must not depend on its decoding window (tiny windows against one).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.hpp"
#include "gpt2_bpe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto tok = llm::ch02::GPT2Tokenizer::from_data_dir();
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto ids = tok.encode_ordinary(text);
        if (tok.decode_bytes(ids) != text) std::abort();  // lossless for every valid input
        const auto special = tok.encode(text, {"<|endoftext|>"});
        if (tok.decode_bytes(special) != text) std::abort();
        if (tok.decode(ids) != text) std::abort();  // valid UTF-8 in, the same text out
        const auto whole = llm::ch02::gpt2_pretokenize(text, text.size() + 1);
        for (size_t window : {1, 3, 16})
            if (llm::ch02::gpt2_pretokenize(text, window) != whole) std::abort();
    } catch (const llm::Error&) {}
    // arbitrary id sequences: decode must replace broken UTF-8 or name the bad id
    std::vector<int64_t> ids;
    for (size_t i = 0; i + 1 < size; i += 2) ids.push_back((data[i] << 8 | data[i + 1]) - 4096);
    try {
        (void)tok.decode(ids);
    } catch (const llm::Error&) {}
    return 0;
}
