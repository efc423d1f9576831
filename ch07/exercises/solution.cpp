// Our solutions to the chapter 7 exercises (checked in CI).
#include "exercises.hpp"
#include "lora.hpp"
#include "prompt_styles.hpp"

namespace llm::ch07::exercises {

std::string phi3_full_text(const Entry& entry) {
    return format_input_phi(entry) + "\n<|assistant|>:\n" + entry.output;
}

InstructionDataset::Batch collate_masking_instructions(
    const std::vector<std::vector<int64_t>>& batch, const std::vector<int64_t>& instruction_lengths,
    int64_t pad_token_id, int64_t ignore_index, std::optional<int64_t> allowed_max_length) {
    // the book's collate first (padding, shift, pad tokens after the first masked),
    // on the whole length, then the prompt masked, then the cut
    InstructionDataset::Batch b = custom_collate_fn(batch, pad_token_id, ignore_index);
    const int64_t T = b.targets.size(1);
    for (size_t i = 0; i < batch.size(); ++i) {
        const int64_t n = std::min<int64_t>(T, instruction_lengths.at(i) - 1);  // targets[:len - 1]
        for (int64_t t = 0; t < n; ++t)
            b.targets.data[i * static_cast<size_t>(T) + static_cast<size_t>(t)] = ignore_index;
    }
    if (allowed_max_length && *allowed_max_length < T) {
        const int64_t L = *allowed_max_length;
        std::vector<int64_t> in, tg;
        for (size_t i = 0; i < batch.size(); ++i) {
            const auto row = static_cast<long>(i) * T;
            in.insert(in.end(), b.inputs.data.begin() + row, b.inputs.data.begin() + row + L);
            tg.insert(tg.end(), b.targets.data.begin() + row, b.targets.data.begin() + row + L);
        }
        const auto rows = static_cast<int64_t>(batch.size());
        b = {IntTensor({rows, L}, in), IntTensor({rows, L}, tg)};
    }
    return b;
}

InstructionLoaders alpaca_loaders(const std::filesystem::path& json, int64_t batch_size,
                                  int64_t allowed_max_length) {
    const auto data = load_instruction_data(json);  // names the file and entry on errors
    return make_instruction_loaders(split_instruction_data(data), PromptStyle::Alpaca, batch_size,
                                    allowed_max_length);
}

int64_t prepare_lora_finetuning(ch04::GPTModel& model, int64_t rank, double alpha) {
    for (auto& p : model.parameters()) p.requires_grad_(false);
    appendix_e::replace_linear_with_lora(model, rank, alpha);
    return appendix_e::count_trainable(model);
}

}  // namespace llm::ch07::exercises
