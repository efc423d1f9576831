#include "generate.hpp"

#include "cached_decoder.hpp"

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"

namespace llm::ch04 {

IntTensor crop_last(const IntTensor& idx, int64_t n) {
    const int64_t B = idx.shape[0], T = idx.shape[1], keep = std::min(n, T);
    std::vector<int64_t> out;
    for (int64_t b = 0; b < B; ++b)
        out.insert(out.end(), idx.data.begin() + b * T + (T - keep),
                   idx.data.begin() + (b + 1) * T);
    return IntTensor({B, keep}, std::move(out));
}

IntTensor append_column(const IntTensor& idx, const std::vector<int64_t>& next) {
    const int64_t B = idx.shape[0], T = idx.shape[1];
    std::vector<int64_t> out;
    for (int64_t b = 0; b < B; ++b) {
        out.insert(out.end(), idx.data.begin() + b * T, idx.data.begin() + (b + 1) * T);
        out.push_back(next[static_cast<size_t>(b)]);
    }
    return IntTensor({B, T + 1}, std::move(out));
}

namespace {
void check(const IntTensor& idx, int64_t max_new, int64_t context_size) {
    if (idx.shape.size() != 2 || idx.shape[1] == 0)
        throw ValueError("generate: the prompt must be [batch, tokens] with at least one token");
    if (max_new < 0) throw ValueError("generate: max_new_tokens must be non-negative");
    if (context_size <= 0) throw ValueError("generate: context_size must be positive");
}
std::vector<int64_t> argmax_rows(const Tensor& logits) {  // [B, V] -> B ids
    return argmax(logits, -1).data;
}
}  // namespace

IntTensor generate_text_simple(GPTModel& model, const IntTensor& idx_in, int64_t max_new_tokens,
                               int64_t context_size) {
    check(idx_in, max_new_tokens, context_size);
    NoGradGuard no_grad;
    IntTensor idx = idx_in;
    for (int64_t step = 0; step < max_new_tokens; ++step) {
        const IntTensor idx_cond = crop_last(idx, context_size);  // [B, <= context_size]
        const Tensor logits = model.forward(idx_cond);  // [B, T, vocab]
        const Tensor last = select(logits, 1, logits.size(1) - 1);  // [B, vocab]
        idx = append_column(idx, argmax_rows(last));
    }
    return idx;
}

IntTensor generate_text_cached(GPTModel& model, const IntTensor& idx_in, int64_t max_new_tokens,
                               int64_t context_size) {
    check(idx_in, max_new_tokens, context_size);
    NoGradGuard no_grad;
    CachedDecoder decoder(model, context_size);
    IntTensor idx = idx_in;
    for (int64_t step = 0; step < max_new_tokens; ++step)
        idx = append_column(idx, argmax_rows(decoder.next_logits(idx)));  // [B, vocab] -> B ids
    return idx;
}

}  // namespace llm::ch04
