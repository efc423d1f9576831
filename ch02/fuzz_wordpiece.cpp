// libFuzzer target: BERT WordPiece on arbitrary bytes (normaliser,
// pre-tokenizer, greedy matching). Invalid UTF-8 must raise llm::Error.
#include <cstdint>
#include <string>

#include "error.hpp"
#include "wordpiece.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto wp = llm::ch02::BertWordPiece::from_data_dir();
    try {
        for (int64_t id : wp.encode(std::string(reinterpret_cast<const char*>(data), size)))
            if (id < 0 || id >= wp.vocab_size()) __builtin_trap();
    } catch (const llm::Error&) {}
    return 0;
}
