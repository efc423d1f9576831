// Our solutions to the chapter 2 exercises.
#include "exercises.hpp"
#include "gpt_dataset.hpp"

namespace llm::ch02::exercises {

std::vector<std::string> bpe_pieces(const std::string& text) {
    std::vector<std::string> pieces;
    for (int64_t id : gpt2_tokenizer().encode(text))
        pieces.push_back(gpt2_tokenizer().decode({id}));
    return pieces;
}

LoaderSummary loader_summary(const std::string& text, int64_t batch_size, int64_t max_length,
                             int64_t stride) {
    auto loader = create_dataloader_v1(text, batch_size, max_length, stride, /*shuffle=*/false,
                                       /*drop_last=*/true);
    LoaderSummary s;
    s.num_batches = loader.size();
    const auto first = loader.batches().front().inputs;  // [batch_size, max_length]
    for (int64_t r = 0; r < batch_size; ++r)
        s.first_inputs.emplace_back(first.data.begin() + r * max_length,
                                    first.data.begin() + (r + 1) * max_length);
    return s;
}

}  // namespace llm::ch02::exercises
