#include "embeddings.hpp"

#include "error.hpp"
#include "ops.hpp"

namespace llm::ch02 {

Tensor input_embeddings(Embedding& token_embedding, Embedding& pos_embedding,
                        const IntTensor& ids) {
    const int64_t T = ids.size(-1);
    if (T > pos_embedding.weight.size(0))
        throw ValueError("input_embeddings: " + std::to_string(T) +
                         " positions but the positional table has only " +
                         std::to_string(pos_embedding.weight.size(0)));
    std::vector<int64_t> positions(static_cast<size_t>(T));
    for (int64_t t = 0; t < T; ++t) positions[static_cast<size_t>(t)] = t;
    const Tensor tok = token_embedding.forward(ids);  // [B, T, D]
    const Tensor pos =
        pos_embedding.forward(IntTensor({T}, positions));  // [T, D], broadcast over B
    return tok + pos;
}

}  // namespace llm::ch02
