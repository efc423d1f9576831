// Appendix E as the book prints it: each block is copied verbatim from the
// notebook output in ../shared/book-outputs/appendix-e.md and must appear, in
// order, in what the program prints. The accuracies and the training log
// need OpenAI's weights (README); the data and the counts do not.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 14 (E.2 Preparing the dataset): print("Train loader:")
    {"cell 14", R"BOOK(Train loader:
Input batch dimensions: torch.Size([8, 120])
Label batch dimensions torch.Size([8]))BOOK"},
    // cell 16 (E.2 Preparing the dataset): print(f"{len(train_loader)} training batches")
    {"cell 16", R"BOOK(130 training batches
19 validation batches
38 test batches)BOOK"},
    // cell 37 (E.4 Parameter-efficient finetuning with LoRA): total_params = sum(p.numel() ...
    {"cell 37", R"BOOK(Total trainable parameters before: 124,441,346
Total trainable parameters after: 0)BOOK"},
    // cell 38 (E.4 Parameter-efficient finetuning with LoRA): replace_linear_with_lora(model, rank=16, alpha=16)
    {"cell 38", R"BOOK(Total trainable LoRA parameters: 2,666,528)BOOK"},
};
}  // namespace

// Not compared: cell 40, print(model): the program prints the same tree, but
// the notebook's previous_chapters.py names each block's dropout drop_resid
// where chapter 4's listing, and our TransformerBlock, say drop_shortcut.
TEST_CASE(
    "appendix E prints the book's data counts and LoRA parameter counts, E.2-E.4 (GPT_CONFIG_124M)") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM
        " --random-init --until E.4-lora --out \"${TMPDIR:-/tmp}/appendix_e_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
