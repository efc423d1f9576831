#include "instruction_data.hpp"

#include "prompt_styles.hpp"

#include "error.hpp"
#include "gpt_dataset.hpp"

namespace llm::ch07 {

InstructionSplit split_instruction_data(const std::vector<Entry>& data) {
    const auto n = static_cast<double>(data.size());
    const auto train_portion = static_cast<size_t>(n * 0.85);  // 85% for training
    const auto test_portion = static_cast<size_t>(n * 0.1);  // 10% for testing
    InstructionSplit s;
    s.train.assign(data.begin(), data.begin() + static_cast<long>(train_portion));
    s.test.assign(data.begin() + static_cast<long>(train_portion),
                  data.begin() + static_cast<long>(train_portion + test_portion));
    s.validation.assign(data.begin() + static_cast<long>(train_portion + test_portion), data.end());
    return s;
}

InstructionDataset::InstructionDataset(const std::vector<Entry>& data, PromptStyle style) {
    for (const Entry& entry : data) {  // pre-tokenize the texts
        encoded_texts.push_back(ch02::gpt2_tokenizer().encode(full_text(entry, style)));
        instruction_lengths.push_back(static_cast<int64_t>(
            ch02::gpt2_tokenizer().encode(format_prompt(entry, style)).size()));
    }
}

InstructionDataset::Item InstructionDataset::get(int64_t index) const {
    if (index < 0 || index >= size())
        throw ValueError("InstructionDataset: index " + std::to_string(index) + " out of range");
    return encoded_texts[static_cast<size_t>(index)];
}

InstructionDataset::Batch InstructionDataset::collate(const std::vector<Item>& items) {
    return custom_collate_fn(items);
}

InstructionDataset::Batch custom_collate_fn(const std::vector<std::vector<int64_t>>& batch,
                                            int64_t pad_token_id, int64_t ignore_index,
                                            std::optional<int64_t> allowed_max_length) {
    if (batch.empty()) throw ValueError("custom_collate_fn: an empty batch");
    if (allowed_max_length && *allowed_max_length <= 0)
        throw ValueError("custom_collate_fn: allowed_max_length must be positive");
    // find the longest sequence in the batch (+1 for the token added below)
    size_t batch_max_length = 0;
    for (const auto& item : batch) batch_max_length = std::max(batch_max_length, item.size() + 1);
    std::vector<int64_t> inputs_lst, targets_lst;
    size_t width = batch_max_length - 1;
    if (allowed_max_length) width = std::min(width, static_cast<size_t>(*allowed_max_length));
    for (const auto& item : batch) {
        std::vector<int64_t> new_item = item;
        new_item.push_back(pad_token_id);  // add an <|endoftext|> token
        new_item.resize(batch_max_length, pad_token_id);  // pad to the batch's longest
        std::vector<int64_t> inputs(new_item.begin(), new_item.end() - 1);  // all but the last
        std::vector<int64_t> targets(new_item.begin() + 1, new_item.end());  // shifted by one
        // every padding token in the targets but the first becomes ignore_index
        bool first = true;
        for (auto& t : targets)
            if (t == pad_token_id) {
                if (!first) t = ignore_index;
                first = false;
            }
        inputs.resize(width);  // optionally truncate to the maximum sequence length
        targets.resize(width);
        inputs_lst.insert(inputs_lst.end(), inputs.begin(), inputs.end());
        targets_lst.insert(targets_lst.end(), targets.begin(), targets.end());
    }
    const Shape shape{static_cast<int64_t>(batch.size()), static_cast<int64_t>(width)};
    return {IntTensor(shape, std::move(inputs_lst)), IntTensor(shape, std::move(targets_lst))};
}

InstructionDataset::Batch custom_collate_draft_2(const std::vector<std::vector<int64_t>>& batch,
                                                 int64_t pad_token_id) {
    // replacing the padding with itself: custom_collate_fn without the -100s
    return custom_collate_fn(batch, pad_token_id, /*ignore_index=*/pad_token_id);
}

std::vector<InstructionDataset::Batch> instruction_batches(
    const DataLoader<InstructionDataset>& loader, std::optional<int64_t> allowed_max_length) {
    std::vector<InstructionDataset::Batch> out;
    for (const auto& indices : loader.epoch_indices()) {
        std::vector<InstructionDataset::Item> items;
        for (int64_t i : indices) items.push_back(loader.dataset().get(i));
        out.push_back(custom_collate_fn(items, 50256, -100, allowed_max_length));
    }
    return out;
}

}  // namespace llm::ch07
