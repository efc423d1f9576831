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
};
}  // namespace

TEST_CASE("appendix D prints the book's warmup steps and gradients, D.1-D.3 (GPT_CONFIG_124M)") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --until D.3 --out \"${TMPDIR:-/tmp}/appendix_d_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
