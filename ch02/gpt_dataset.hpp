// Section 2.6: sliding a window over the token ids to make input/target
// pairs (listing 2.5, GPTDatasetV1) and batching them (create_dataloader_v1).
#pragma once
#include <memory>
#include <string>
#include <utility>

#include "data.hpp"
#include "gpt2_bpe.hpp"
#include "tensor.hpp"

namespace llm::ch02 {

// The GPT-2 tokenizer from data/gpt2, loaded once.
const GPT2Tokenizer& gpt2_tokenizer();

class GPTDatasetV1 {
public:
    // Encodes txt (with <|endoftext|> allowed) and cuts windows starting at
    // 0, stride, 2*stride, ... < len(ids) - max_length.
    GPTDatasetV1(const std::string& txt, const GPT2Tokenizer& tokenizer, int64_t max_length,
                 int64_t stride);
    int64_t size() const { return static_cast<int64_t>(starts_.size()); }
    // (input ids [max_length], target ids [max_length]) = window i and the same shifted by one
    std::pair<IntTensor, IntTensor> get(int64_t i) const;
    struct Batch {
        IntTensor inputs, targets;  // [B, max_length] each
    };
    static Batch collate(const std::vector<std::pair<IntTensor, IntTensor>>& items);
    const std::vector<int64_t>& token_ids() const { return ids_; }

private:
    std::vector<int64_t> ids_;
    std::vector<int64_t> starts_;
    int64_t max_length_;
};

using GPTDataLoader = DataLoader<GPTDatasetV1>;

// Listing 2.6. A ValueError when the text is empty or yields no window
// (fewer than max_length + 1 tokens).
GPTDataLoader create_dataloader_v1(const std::string& txt, int64_t batch_size = 4,
                                   int64_t max_length = 256, int64_t stride = 128,
                                   bool shuffle = true, bool drop_last = true);

}  // namespace llm::ch02
