#include "text_ids.hpp"

#include "error.hpp"
#include "utf8.hpp"

namespace llm::ch05 {

IntTensor text_to_token_ids(const std::string& text, const ch02::GPT2Tokenizer& tokenizer) {
    const auto ids = tokenizer.encode(text, {"<|endoftext|>"});
    if (ids.empty()) throw ValueError("text_to_token_ids: the text is empty");
    return IntTensor({1, static_cast<int64_t>(ids.size())},
                     ids);  // unsqueeze(0): add the batch dimension
}

std::string token_ids_to_text(const IntTensor& ids, const ch02::GPT2Tokenizer& tokenizer) {
    const int64_t T = ids.shape.empty() ? 0 : ids.shape.back();
    return tokenizer.decode(
        std::vector<int64_t>(ids.data.begin(), ids.data.begin() + T));  // squeeze(0)
}

std::pair<std::string, std::string> split_text(const std::string& text, double ratio) {
    const auto cps = ch02::decode_utf8(text, "text");
    const size_t cut = static_cast<size_t>(ratio * static_cast<double>(cps.size()));
    size_t byte = 0;
    for (size_t i = 0; i < cut; ++i)
        byte += cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4;
    return {text.substr(0, byte), text.substr(byte)};
}

}  // namespace llm::ch05
