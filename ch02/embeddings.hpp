// Sections 2.7-2.8: token ids to vectors. A token embedding table looks up
// one vector per id; an absolute positional embedding adds one vector per
// position, so the same word at different places gets different inputs.
#pragma once
#include "nn.hpp"

namespace llm::ch02 {

// tok_emb(ids) + pos_emb(0..T-1): [B, T] ids -> [B, T, D]
Tensor input_embeddings(Embedding& token_embedding, Embedding& pos_embedding, const IntTensor& ids);

}  // namespace llm::ch02
