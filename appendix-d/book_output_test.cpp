// Appendix D as the book prints it: each block is copied verbatim from the
// notebook output in ../shared/book-outputs/appendix-d.md (cell numbers and
// sections as there) and must appear, in order, in what the program prints.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 12 (D.1 Learning rate warmup): total_steps = len(train_loader) * n_epochs
    {"cell 12", R"BOOK(27)BOOK"},
    // cell 26 (D.3 Gradient clipping): def find_highest_gradient(model):
    {"cell 26", R"BOOK(tensor(0.0411))BOOK"},
    // cell 28 (D.3 Gradient clipping): torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    {"cell 28", R"BOOK(tensor(0.0185))BOOK"},
    // cell 32 (D.4 The modified training function): import tiktoken -- its first
    // 21 iterations (lines 1-7; the rest of the run: see the README)
    {"cell 32, lines 1-7", R"BOOK(Ep 1 (Iter 000000): Train loss 10.934, Val loss 10.939
Ep 1 (Iter 000005): Train loss 9.151, Val loss 9.461
Every effort moves you,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,
Ep 2 (Iter 000010): Train loss 7.949, Val loss 8.184
Ep 2 (Iter 000015): Train loss 6.362, Val loss 6.876
Every effort moves you,,,,,,,,,,,,,,,,,,, the,,,,,,,,, the,,,,,,,,,,, the,,,,,,,,
Ep 3 (Iter 000020): Train loss 5.851, Val loss 6.607)BOOK"},
};
}  // namespace

// The D.4 run is cut after 21 of its 135 iterations (--max-iters keeps the
// 15-epoch schedule): the lines after that move in their last digit between
// machines (the book's own run was on PyTorch 2.5; README).
TEST_CASE(
    "appendix D prints the book's warmup steps, gradients and train_model's first lines (GPT_CONFIG_124M)") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --max-iters 21 --out \"${TMPDIR:-/tmp}/appendix_d_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
