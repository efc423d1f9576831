// Chapter 6 as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/ch06.md (cell numbers and
// sections as there), and must appear, in order, in what ./book run ch06
// prints. From 6.5 on, the book's values come from OpenAI's weights, which
// cannot be had here (ch06/README.md); the blocks that do not depend on
// them are checked.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 15 (6.2 Preparing the dataset): import pandas as pd
    {"cell 15", R"BOOK(     Label                                               Text
0      ham  Go until jurong point, crazy.. Available only ...
1      ham                      Ok lar... Joking wif u oni...
2     spam  Free entry in 2 a wkly comp to win FA Cup fina...
3      ham  U dun say so early hor... U c already then say...
4      ham  Nah I don't think he goes to usf, he lives aro...
...    ...                                                ...
5567  spam  This is the 2nd time we have tried 2 contact u...
5568   ham               Will ü b going to esplanade fr home?
5569   ham  Pity, * was in mood for that. So...any other s...
5570   ham  The guy did some bitching but I acted like i'd...
5571   ham                         Rofl. Its true to its name

[5572 rows x 2 columns])BOOK"},
    // cell 17 (6.2 Preparing the dataset): print(df["Label"].value_counts())
    {"cell 17", R"BOOK(Label
ham     4825
spam     747
Name: count, dtype: int64)BOOK"},
    // cell 19 (6.2 Preparing the dataset): def create_balanced_dataset(df):
    {"cell 19", R"BOOK(Label
ham     747
spam    747
Name: count, dtype: int64)BOOK"},
    // cell 22 (6.2 Preparing the dataset): balanced_df
    {"cell 22", R"BOOK(      Label                                               Text
4307      0  Awww dat is sweet! We can think of something t...
4138      0                             Just got to  &lt;#&gt;
4831      0  The word "Checkmate" in chess comes from the P...
4461      0  This is wishing you a great day. Moji told me ...
5440      0      Thank you. do you generally date the brothas?
...     ...                                                ...
5537      1  Want explicit SEX in 30 secs? Ring 02073162414...
5540      1  ASKED 3MOBILE IF 0870 CHATLINES INCLU IN FREE ...
5547      1  Had your contract mobile 11 Mnths? Latest Moto...
5566      1  REMINDER FROM O2: To get 2.50 pounds free call...
5567      1  This is the 2nd time we have tried 2 contact u...

[1494 rows x 2 columns])BOOK"},
    // cell 28 (6.3 Creating data loaders): import tiktoken
    {"cell 28", R"BOOK([50256])BOOK"},
    // cell 31 (6.3 Creating data loaders): train_dataset = SpamDataset(
    {"cell 31", R"BOOK(120)BOOK"},
    // cell 38 (6.3 Creating data loaders): print("Train loader:")
    {"cell 38", R"BOOK(Train loader:
Input batch dimensions: torch.Size([8, 120])
Label batch dimensions torch.Size([8]))BOOK"},
    // cell 40 (6.3 Creating data loaders): print(f"{len(train_loader)} training batches")
    {"cell 40", R"BOOK(130 training batches
19 validation batches
38 test batches)BOOK"},
    // cell 62 (6.5 Adding a classification head): inputs = tokenizer.encode("Do you have time")
    {"cell 62", R"BOOK(Inputs: tensor([[5211,  345,  423,  640]])
Inputs dimensions: torch.Size([1, 4]))BOOK"},
};
}  // namespace

// Not compared: cell 2 (package versions), cell 13 (the download message:
// the data ships in data/, nothing is downloaded), cells 44-48 (OpenAI's
// weights), and cell 53, print(model): the program prints the same tree, but
// the notebook's previous_chapters.py names each block's dropout drop_resid
// where chapter 4's listing 4.6, and our TransformerBlock, say drop_shortcut.
TEST_CASE(
    "chapter 6 prints the book's values that do not depend on OpenAI's weights, 6.2-6.5 (GPT_CONFIG_124M)") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --until 6.5 --out \"${TMPDIR:-/tmp}/ch06_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
