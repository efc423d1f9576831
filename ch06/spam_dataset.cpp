#include "spam_dataset.hpp"

#include "error.hpp"
#include "gpt_dataset.hpp"
#include "spam_data.hpp"

namespace llm::ch06 {

SpamDataset::SpamDataset(const std::filesystem::path& csv_file, std::optional<int64_t> max_len,
                         int64_t pad_token_id) {
    if (max_len && *max_len <= 0)
        throw ValueError("SpamDataset: max_length must be positive, got " +
                         std::to_string(*max_len));
    const SpamFrame df = read_split_csv(csv_file);
    for (int64_t i = 0; i < df.size(); ++i) {
        auto ids = ch02::gpt2_tokenizer().encode(df.text[static_cast<size_t>(i)]);
        if (ids.empty())
            throw FormatError(csv_file.string() + ": row " + std::to_string(i) +
                              ": the text encodes to no tokens");
        encoded_lengths.push_back(static_cast<int64_t>(ids.size()));
        encoded_texts.push_back(std::move(ids));
        labels.push_back(df.label[static_cast<size_t>(i)] == "1" ? 1 : 0);
    }
    if (max_len) {
        max_length = *max_len;
        for (auto& t : encoded_texts)  // truncate sequences if they are longer than max_length
            if (static_cast<int64_t>(t.size()) > max_length)
                t.resize(static_cast<size_t>(max_length));
    } else {
        max_length = 0;  // _longest_encoded_length()
        for (const auto& t : encoded_texts)
            max_length = std::max(max_length, static_cast<int64_t>(t.size()));
    }
    for (auto& t : encoded_texts)  // pad sequences to the longest sequence
        t.resize(static_cast<size_t>(max_length), pad_token_id);
}

SpamDataset::Item SpamDataset::get(int64_t index) const {
    if (index < 0 || index >= size())
        throw ValueError("SpamDataset: index " + std::to_string(index) + " out of range for " +
                         std::to_string(size()) + " rows");
    return {encoded_texts[static_cast<size_t>(index)], labels[static_cast<size_t>(index)]};
}

SpamDataset::Batch SpamDataset::collate(const std::vector<Item>& items) {
    const auto b = static_cast<int64_t>(items.size());
    const int64_t T = items.empty() ? 0 : static_cast<int64_t>(items[0].ids.size());
    std::vector<int64_t> ids, labels;
    for (const auto& it : items) {
        ids.insert(ids.end(), it.ids.begin(), it.ids.end());
        labels.push_back(it.label);
    }
    return {IntTensor({b, T}, std::move(ids)), IntTensor({b}, std::move(labels))};
}

SpamLoaders create_spam_loaders(const std::filesystem::path& dir, int64_t batch_size,
                                std::optional<int64_t> max_length) {
    auto train = std::make_shared<const SpamDataset>(dir / "train.csv", max_length);
    auto val = std::make_shared<const SpamDataset>(dir / "validation.csv", train->max_length);
    auto test = std::make_shared<const SpamDataset>(dir / "test.csv", train->max_length);
    return {train,
            val,
            test,
            DataLoader<SpamDataset>(train, batch_size, /*shuffle=*/true, /*drop_last=*/true),
            DataLoader<SpamDataset>(val, batch_size),
            DataLoader<SpamDataset>(test, batch_size)};
}

}  // namespace llm::ch06
