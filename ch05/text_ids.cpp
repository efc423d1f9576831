#include "text_ids.hpp"

#include "error.hpp"

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

}  // namespace llm::ch05
