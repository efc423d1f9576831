#include "gpt_dataset.hpp"

#include "error.hpp"

namespace llm::ch02 {

const GPT2Tokenizer& gpt2_tokenizer() {
    static const GPT2Tokenizer tok = GPT2Tokenizer::from_data_dir();
    return tok;
}

GPTDatasetV1::GPTDatasetV1(const std::string& txt, const GPT2Tokenizer& tokenizer,
                           int64_t max_length, int64_t stride)
    : ids_(tokenizer.encode(txt, {"<|endoftext|>"})), max_length_(max_length) {
    if (max_length <= 0 || stride <= 0)
        throw ValueError("GPTDatasetV1: max_length and stride must be positive (got " +
                         std::to_string(max_length) + ", " + std::to_string(stride) + ")");
    for (int64_t i = 0; i < static_cast<int64_t>(ids_.size()) - max_length; i += stride)
        starts_.push_back(i);
}

std::pair<IntTensor, IntTensor> GPTDatasetV1::get(int64_t i) const {
    const auto s = ids_.begin() + starts_.at(static_cast<size_t>(i));
    return {IntTensor({max_length_}, std::vector<int64_t>(s, s + max_length_)),
            IntTensor({max_length_}, std::vector<int64_t>(s + 1, s + max_length_ + 1))};
}

GPTDatasetV1::Batch GPTDatasetV1::collate(
    const std::vector<std::pair<IntTensor, IntTensor>>& items) {
    std::vector<int64_t> x, y;
    for (const auto& [in, tg] : items) {
        x.insert(x.end(), in.data.begin(), in.data.end());
        y.insert(y.end(), tg.data.begin(), tg.data.end());
    }
    const int64_t B = static_cast<int64_t>(items.size()), T = B ? items[0].first.numel() : 0;
    return {IntTensor({B, T}, std::move(x)), IntTensor({B, T}, std::move(y))};
}

GPTDataLoader create_dataloader_v1(const std::string& txt, int64_t batch_size, int64_t max_length,
                                   int64_t stride, bool shuffle, bool drop_last) {
    if (txt.empty()) throw ValueError("create_dataloader_v1: the text is empty");
    if (batch_size <= 0) throw ValueError("create_dataloader_v1: batch_size must be positive");
    auto ds = std::make_shared<GPTDatasetV1>(txt, gpt2_tokenizer(), max_length, stride);
    if (ds->size() == 0)
        throw ValueError(
            "create_dataloader_v1: the text has " + std::to_string(ds->token_ids().size()) +
            " tokens, too few for one window of max_length " + std::to_string(max_length) +
            " plus its shifted target; use a longer text or a shorter context length");
    return GPTDataLoader(ds, batch_size, shuffle, drop_last);
}

}  // namespace llm::ch02
