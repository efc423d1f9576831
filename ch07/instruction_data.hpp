// Sections 7.2-7.3: the instruction dataset, its prompt format, the split,
// and the batches (InstructionDataset, custom_collate_fn) that finetuning
// reads.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data.hpp"
#include "tensor.hpp"

namespace llm::ch07 {

// One entry of instruction-data.json.
struct Entry {
    std::string instruction, input, output;
};
// The JSON list of {"instruction", "input", "output"}; errors name the file
// and the entry (its index and the missing or mistyped key).
std::vector<Entry> load_instruction_data(const std::filesystem::path& path);

// The same from the JSON text itself (where names it in errors).
std::vector<Entry> parse_instruction_data(const std::string& text, const std::string& where);

// 7.7: a test entry with the finetuned model's answer, as the book writes
// instruction-data-with-response.json (json.dump(..., indent=4): each entry's
// keys in order plus "model_response"); written atomically.
struct Answered {
    Entry entry;
    std::string model_response;
};
void write_responses_json(const std::filesystem::path& path, const std::vector<Answered>& data);
// Reads it back (7.8); errors name the file, the entry and the missing key.
std::vector<Answered> load_responses_json(const std::filesystem::path& path,
                                          const std::string& json_key = "model_response");

// The prompt formats (prompt_styles.hpp): the book's Alpaca style (listing
// 7.2, format_input), Phi-3's (exercise 7.1) and Llama-2's chat format.
enum class PromptStyle { Alpaca, Phi3, Llama2 };

// 7.2's split in file order: the first 85% for training, the next 10% for
// testing, the rest (5%) for validation.
struct InstructionSplit {
    std::vector<Entry> train, test, validation;
};
InstructionSplit split_instruction_data(const std::vector<Entry>& data);

// Listing 7.4: every entry's full text as GPT-2 token ids (in the Alpaca
// style unless told otherwise); also, for exercise 7.2, how many of those
// tokens are the prompt's (len(encode(prompt))).
class InstructionDataset {
public:
    explicit InstructionDataset(const std::vector<Entry>& data,
                                PromptStyle style = PromptStyle::Alpaca);
    using Item = std::vector<int64_t>;
    struct Batch {
        IntTensor inputs, targets;  // [b, T] each
    };
    int64_t size() const { return static_cast<int64_t>(encoded_texts.size()); }
    Item get(int64_t index) const;
    static Batch collate(const std::vector<Item>& items);  // custom_collate_fn's defaults
    std::vector<std::vector<int64_t>> encoded_texts;
    std::vector<int64_t> instruction_lengths;
};

// Listing 7.5, custom_collate_fn: each item gets one end-of-text token and
// is padded with it to the batch's longest item + 1; inputs are all but the
// last token, targets all but the first; in each targets row every padding
// token after the first becomes ignore_index (the loss skips it); both are
// then cut to allowed_max_length.
InstructionDataset::Batch custom_collate_fn(const std::vector<std::vector<int64_t>>& batch,
                                            int64_t pad_token_id = 50256,
                                            int64_t ignore_index = -100,
                                            std::optional<int64_t> allowed_max_length = {});

// The book's drafts on the way there: draft 2 pads and shifts but masks
// nothing (its targets keep every padding token); draft 1 is its inputs.
InstructionDataset::Batch custom_collate_draft_2(const std::vector<std::vector<int64_t>>& batch,
                                                 int64_t pad_token_id = 50256);

// A loader's pass collated with custom_collate_fn(..., allowed_max_length).
std::vector<InstructionDataset::Batch> instruction_batches(
    const DataLoader<InstructionDataset>& loader, std::optional<int64_t> allowed_max_length);

}  // namespace llm::ch07
