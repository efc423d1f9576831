// Our solutions to the chapter 6 exercises.
#include "exercises.hpp"

namespace llm::ch06::exercises {

std::shared_ptr<SpamDataset> pad_to_context(const std::filesystem::path& csv_file,
                                            int64_t context_length) {
    // max_length = model.pos_emb.weight.shape[0]: texts padded to 1024, not 120
    return std::make_shared<SpamDataset>(csv_file, context_length);
}

void make_all_trainable(GPTModel& model) {
    for (Tensor p : model.parameters()) p.requires_grad_(true);
}

Tensor first_token_logits(GPTModel& model, const IntTensor& input_batch) {
    return classification_logits(model, input_batch, Position::First);  // model(x)[:, 0, :]
}

}  // namespace llm::ch06::exercises
