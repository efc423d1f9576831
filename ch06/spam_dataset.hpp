// Section 6.3, creating data loaders: SpamDataset (listing 6.4) turns each
// CSV row into GPT-2 token ids padded to one length, so texts of different
// lengths stack into a batch.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "data.hpp"
#include "tensor.hpp"

namespace llm::ch06 {

class SpamDataset {
public:
    // Encodes every text of csv_file with GPT-2's BPE. Without max_length the
    // longest encoded text sets it (the training set's, 120 tokens); with it,
    // longer texts are cut. Then every text is padded with pad_token_id
    // (<|endoftext|>, 50256). A text that encodes to no tokens is an error
    // naming the file and row.
    explicit SpamDataset(const std::filesystem::path& csv_file,
                         std::optional<int64_t> max_length = std::nullopt,
                         int64_t pad_token_id = 50256);

    struct Item {
        std::vector<int64_t> ids;  // [max_length]
        int64_t label;  // 0 ham, 1 spam
    };
    struct Batch {
        IntTensor input_batch;  // [b, max_length]
        IntTensor target_batch;  // [b]
    };
    int64_t size() const { return static_cast<int64_t>(labels.size()); }  // __len__
    Item get(int64_t index) const;  // __getitem__
    static Batch collate(const std::vector<Item>& items);  // the default collate: stack

    int64_t max_length;
    std::vector<std::vector<int64_t>> encoded_texts;  // truncated and padded
    std::vector<int64_t> labels;
    std::vector<int64_t> encoded_lengths;  // before truncation and padding
};

// The book's three loaders over the three CSVs in dir: batch 8, the training
// loader shuffled with drop_last (its order drawn from the default
// generator, so call manual_seed(123) first), validation and test in order.
// Validation and test are padded to the training set's max_length.
struct SpamLoaders {
    std::shared_ptr<const SpamDataset> train_dataset, val_dataset, test_dataset;
    DataLoader<SpamDataset> train_loader, val_loader, test_loader;
};
SpamLoaders create_spam_loaders(const std::filesystem::path& dir, int64_t batch_size = 8,
                                std::optional<int64_t> max_length = std::nullopt);

}  // namespace llm::ch06
