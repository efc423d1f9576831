// Chapter 7 as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/ch07.md (cell numbers and
// sections as there), and must appear, in order, in what ./book run ch07
// prints. From 7.5 on the book's numbers need GPT-2 medium's weights; offline
// the program finetunes a small demonstration model instead, and what is
// checked of it is what must hold for any model: the loss falls, every test
// entry gets a response, the files are written.
#include <regex>

#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 10 (7.2 Preparing a dataset for supervised instruction finetuning): import json
    {"cell 10", R"BOOK(Number of entries: 1100)BOOK"},
    // cell 12 (7.2 Preparing a dataset for supervised instruction finetuning): print("Example entry:\n", data[50])
    {"cell 12", R"BOOK(Example entry:
 {'instruction': 'Identify the correct spelling of the following word.', 'input': 'Ocassion', 'output': "The correct spelling is 'Occasion.'"})BOOK"},
    // cell 14 (7.2 Preparing a dataset for supervised instruction finetuning): print("Another example entry:\n", data[999])
    {"cell 14", R"BOOK(Another example entry:
 {'instruction': "What is an antonym of 'complicated'?", 'input': '', 'output': "An antonym of 'complicated' is 'simple'."})BOOK"},
    // cell 20 (7.2 Preparing a dataset for supervised instruction finetuning): model_input = format_input(data[50])
    {"cell 20",
     R"BOOK(Below is an instruction that describes a task. Write a response that appropriately completes the request.

### Instruction:
Identify the correct spelling of the following word.

### Input:
Ocassion

### Response:
The correct spelling is 'Occasion.')BOOK"},
    // cell 22 (7.2 Preparing a dataset for supervised instruction finetuning): model_input = format_input(data[999])
    {"cell 22",
     R"BOOK(Below is an instruction that describes a task. Write a response that appropriately completes the request.

### Instruction:
What is an antonym of 'complicated'?

### Response:
An antonym of 'complicated' is 'simple'.)BOOK"},
    // cell 25 (7.2 Preparing a dataset for supervised instruction finetuning): print("Training set length:", len(train_data))
    {"cell 25", R"BOOK(Training set length: 935
Validation set length: 55
Test set length: 110)BOOK"},
    // cell 32 (7.3 Organizing data into training batches): import tiktoken
    {"cell 32", R"BOOK([50256])BOOK"},
    // cell 36 (7.3 Organizing data into training batches): inputs_1 = [0, 1, 2, 3, 4]
    {"cell 36", R"BOOK(tensor([[    0,     1,     2,     3,     4],
        [    5,     6, 50256, 50256, 50256],
        [    7,     8,     9, 50256, 50256]]))BOOK"},
    // cell 41 (7.3 Organizing data into training batches): inputs, targets = custom_collate_draft_2(batch)
    {"cell 41", R"BOOK(tensor([[    0,     1,     2,     3,     4],
        [    5,     6, 50256, 50256, 50256],
        [    7,     8,     9, 50256, 50256]])
tensor([[    1,     2,     3,     4, 50256],
        [    6, 50256, 50256, 50256, 50256],
        [    8,     9, 50256, 50256, 50256]]))BOOK"},
    // cell 46 (7.3 Organizing data into training batches): inputs, targets = custom_collate_fn(batch)
    {"cell 46", R"BOOK(tensor([[    0,     1,     2,     3,     4],
        [    5,     6, 50256, 50256, 50256],
        [    7,     8,     9, 50256, 50256]])
tensor([[    1,     2,     3,     4, 50256],
        [    6, 50256,  -100,  -100,  -100],
        [    8,     9, 50256,  -100,  -100]]))BOOK"},
    // cell 48 (7.3 Organizing data into training batches): logits_1 = torch.tensor(
    {"cell 48", R"BOOK(tensor(1.1269))BOOK"},
    // cell 50 (7.3 Organizing data into training batches): logits_2 = torch.tensor(
    {"cell 50", R"BOOK(tensor(0.7936))BOOK"},
    // cell 52 (7.3 Organizing data into training batches): targets_3 = torch.tensor([0, 1, -100])
    {"cell 52", R"BOOK(tensor(1.1269)
loss_1 == loss_3: tensor(True))BOOK"},
    // cell 66 (7.4 Creating data loaders for an instruction dataset): print("Train loader:")
    {"cell 66", R"BOOK(Train loader:
torch.Size([8, 61]) torch.Size([8, 61])
torch.Size([8, 76]) torch.Size([8, 76])
torch.Size([8, 73]) torch.Size([8, 73])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 72]) torch.Size([8, 72])
torch.Size([8, 80]) torch.Size([8, 80])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 62]) torch.Size([8, 62])
torch.Size([8, 75]) torch.Size([8, 75])
torch.Size([8, 62]) torch.Size([8, 62])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 77]) torch.Size([8, 77])
torch.Size([8, 69]) torch.Size([8, 69])
torch.Size([8, 79]) torch.Size([8, 79])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 83]) torch.Size([8, 83])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 80]) torch.Size([8, 80])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 69]) torch.Size([8, 69])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 60]) torch.Size([8, 60])
torch.Size([8, 59]) torch.Size([8, 59])
torch.Size([8, 69]) torch.Size([8, 69])
torch.Size([8, 63]) torch.Size([8, 63])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 76]) torch.Size([8, 76])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 91]) torch.Size([8, 91])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 75]) torch.Size([8, 75])
torch.Size([8, 89]) torch.Size([8, 89])
torch.Size([8, 59]) torch.Size([8, 59])
torch.Size([8, 88]) torch.Size([8, 88])
torch.Size([8, 83]) torch.Size([8, 83])
torch.Size([8, 83]) torch.Size([8, 83])
torch.Size([8, 70]) torch.Size([8, 70])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 74]) torch.Size([8, 74])
torch.Size([8, 76]) torch.Size([8, 76])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 75]) torch.Size([8, 75])
torch.Size([8, 83]) torch.Size([8, 83])
torch.Size([8, 69]) torch.Size([8, 69])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 60]) torch.Size([8, 60])
torch.Size([8, 60]) torch.Size([8, 60])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 80]) torch.Size([8, 80])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 61]) torch.Size([8, 61])
torch.Size([8, 58]) torch.Size([8, 58])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 63]) torch.Size([8, 63])
torch.Size([8, 87]) torch.Size([8, 87])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 71]) torch.Size([8, 71])
torch.Size([8, 61]) torch.Size([8, 61])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 65]) torch.Size([8, 65])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 60]) torch.Size([8, 60])
torch.Size([8, 72]) torch.Size([8, 72])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 70]) torch.Size([8, 70])
torch.Size([8, 57]) torch.Size([8, 57])
torch.Size([8, 72]) torch.Size([8, 72])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 62]) torch.Size([8, 62])
torch.Size([8, 74]) torch.Size([8, 74])
torch.Size([8, 80]) torch.Size([8, 80])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 70]) torch.Size([8, 70])
torch.Size([8, 91]) torch.Size([8, 91])
torch.Size([8, 61]) torch.Size([8, 61])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 80]) torch.Size([8, 80])
torch.Size([8, 81]) torch.Size([8, 81])
torch.Size([8, 74]) torch.Size([8, 74])
torch.Size([8, 82]) torch.Size([8, 82])
torch.Size([8, 63]) torch.Size([8, 63])
torch.Size([8, 83]) torch.Size([8, 83])
torch.Size([8, 68]) torch.Size([8, 68])
torch.Size([8, 67]) torch.Size([8, 67])
torch.Size([8, 77]) torch.Size([8, 77])
torch.Size([8, 91]) torch.Size([8, 91])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 61]) torch.Size([8, 61])
torch.Size([8, 75]) torch.Size([8, 75])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 78]) torch.Size([8, 78])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 64]) torch.Size([8, 64])
torch.Size([8, 83]) torch.Size([8, 83])
torch.Size([8, 66]) torch.Size([8, 66])
torch.Size([8, 74]) torch.Size([8, 74])
torch.Size([8, 69]) torch.Size([8, 69]))BOOK"},
    // cell 68 (7.4 Creating data loaders for an instruction dataset): print(inputs[0])
    {"cell 68", R"BOOK(tensor([21106,   318,   281, 12064,   326,  8477,   257,  4876,    13, 19430,
          257,  2882,   326, 20431, 32543,   262,  2581,    13,   198,   198,
        21017, 46486,    25,   198, 30003,  6525,   262,  6827,  1262,   257,
          985,   576,    13,   198,   198, 21017, 23412,    25,   198,   464,
         5156,   318,   845, 13779,    13,   198,   198, 21017, 18261,    25,
          198,   464,  5156,   318,   355, 13779,   355,   257,  4936,    13,)BOOK"},
    // cell 70 (7.4 Creating data loaders for an instruction dataset): print(targets[0])
    {"cell 70", R"BOOK(tensor([  318,   281, 12064,   326,  8477,   257,  4876,    13, 19430,   257,
         2882,   326, 20431, 32543,   262,  2581,    13,   198,   198, 21017,
        46486,    25,   198, 30003,  6525,   262,  6827,  1262,   257,   985,
          576,    13,   198,   198, 21017, 23412,    25,   198,   464,  5156,
          318,   845, 13779,    13,   198,   198, 21017, 18261,    25,   198,
          464,  5156,   318,   355, 13779,   355,   257,  4936,    13, 50256,)BOOK"},
    // cell 77 (7.5 Loading a pretrained LLM): torch.manual_seed(123)
    {"cell 77",
     R"BOOK(Below is an instruction that describes a task. Write a response that appropriately completes the request.

### Instruction:
Convert the active sentence to passive: 'The chef cooks the meal every day.')BOOK"},
};

// The whole walkthrough, with answers of at most 32 tokens instead of 256:
// what is checked of 7.7 (every test entry answered, the files written)
// does not depend on their length, and CI's sanitizer build runs this too.
const std::string& walkthrough() {
    static const std::string out =
        llm::testing::program_output(LLM_CHAPTER_PROGRAM " --max-new-tokens 32");
    return out;
}

// The train losses of the "Ep 1 (Step 000005): Train loss 9.089, Val loss 9.087" lines.
std::vector<double> train_losses(const std::string& out) {
    std::vector<double> v;
    const std::regex line(R"(Ep \d+ \(Step \d+\): Train loss ([0-9.]+), Val loss)");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator();
         ++it)
        v.push_back(std::stod((*it)[1]));
    return v;
}
}  // namespace

// Not compared: cell 2 (package versions), cell 60 (the device), and the
// last line of cells 68 and 70 (PyTorch adds device='cuda:0' there).
TEST_CASE("chapter 7 prints every value the book prints for 7.2-7.5, as the book prints it") {
    CHECK(llm::testing::check_book_blocks(walkthrough(), kBook) == static_cast<int>(kBook.size()));
}

TEST_CASE("chapter 7 offline: the demonstration's loss falls and every test entry is answered") {
    const std::string& out = walkthrough();
    CHECK(out.find("a small demonstration model with random weights") != std::string::npos);
    const auto losses = train_losses(out);
    REQUIRE(losses.size() >= 3);
    CHECK(losses.back() < losses.front() - 1.0);
    CHECK(out.find("110 responses, ") != std::string::npos);
    CHECK(out.find("Responses written to ") != std::string::npos);
    CHECK(out.find("Model saved as ") != std::string::npos);
    CHECK(out.find("== 7.8 Evaluating the finetuned LLM ==") != std::string::npos);
}
