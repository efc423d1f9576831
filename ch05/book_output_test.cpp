// Chapter 5 as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/ch05.md (cell numbers and
// sections as there), and must appear, in order, in what ./book run ch05
// prints. Values the program cannot print as the book does are named below
// and in notes/book-fidelity.md.
#include <cstdlib>

#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
// Everything up to the end of the first epoch, and the toy examples of 5.3.
const std::vector<BookBlock> kBookFirstEpoch = {
    // cell 15 (5.1.1 Using GPT to generate text): import tiktoken
    {"cell 15", R"BOOK(Output text:
 Every effort moves you rentingetic wasnم refres RexMeCHicular stren)BOOK"},
    // cell 22 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): with torch.no_grad():
    {"cell 22", R"BOOK(torch.Size([2, 3, 50257]))BOOK"},
    // cell 27 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): token_ids = torch.argmax(probas, dim=-1, keepdim=True)
    {"cell 27", R"BOOK(Token IDs:
 tensor([[[16657],
         [  339],
         [42826]],

        [[49906],
         [29669],
         [41751]]]))BOOK"},
    // cell 29 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): print(f"Targets batch 1: {token_ids_to_text(targets[0], tokenizer)}")
    {"cell 29", R"BOOK(Targets batch 1:  effort moves you
Outputs batch 1:  Armed heNetflix)BOOK"},
    // cell 33 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): text_idx = 0
    // (its first line: see below)
    {"cell 33, line 2", R"BOOK(Text 2: tensor([1.0337e-05, 5.6776e-05, 4.7559e-06]))BOOK"},
    // cell 35 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): log_probas = torch.log(torch.cat((target_probas_1, target_probas_2)))
    {"cell 35", R"BOOK(tensor([ -9.5042, -10.3796, -11.3677, -11.4798,  -9.7764, -12.2561]))BOOK"},
    // cell 37 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): avg_log_probas = torch.mean(log_probas)
    {"cell 37", R"BOOK(tensor(-10.7940))BOOK"},
    // cell 40 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): neg_avg_log_probas = avg_log_probas * -1
    {"cell 40", R"BOOK(tensor(10.7940))BOOK"},
    // cell 44 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): print("Logits shape:", logits.shape)
    {"cell 44", R"BOOK(Logits shape: torch.Size([2, 3, 50257])
Targets shape: torch.Size([2, 3]))BOOK"},
    // cell 46 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): logits_flat = logits.flatten(0, 1)
    {"cell 46", R"BOOK(Flattened logits: torch.Size([6, 50257])
Flattened targets: torch.Size([6]))BOOK"},
    // cell 48 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): loss = torch.nn.functional.cross_entropy(logits_flat, targets_flat)
    {"cell 48", R"BOOK(tensor(10.7940))BOOK"},
    // cell 50 (5.1.2 Calculating the text generation loss: cross-entropy and perplexity): perplexity = torch.exp(loss)
    {"cell 50", R"BOOK(tensor(48725.8203))BOOK"},
    // cell 56 (5.1.3 Calculating the training and validation set losses): print(text_data[:99])
    {"cell 56",
     R"BOOK(I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no )BOOK"},
    // cell 57 (5.1.3 Calculating the training and validation set losses): print(text_data[-99:])
    {"cell 57",
     R"BOOK(it for me! The Strouds stand alone, and happen once--but there's no exterminating our kind of art.")BOOK"},
    // cell 58 (5.1.3 Calculating the training and validation set losses): total_characters = len(text_data)
    {"cell 58", R"BOOK(Characters: 20479
Tokens: 5145)BOOK"},
    // cell 66 (5.1.3 Calculating the training and validation set losses): print("Train loader:")
    {"cell 66", R"BOOK(Train loader:
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])
torch.Size([2, 256]) torch.Size([2, 256])

Validation loader:
torch.Size([2, 256]) torch.Size([2, 256]))BOOK"},
    // cell 68 (5.1.3 Calculating the training and validation set losses): train_tokens = 0
    {"cell 68", R"BOOK(Training tokens: 4608
Validation tokens: 512
All tokens: 5120)BOOK"},
    // cell 72 (5.1.3 Calculating the training and validation set losses): device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    {"cell 72", R"BOOK(Training loss: 10.98758347829183)BOOK"},
    // cell 78 (5.2 Training an LLM): torch.manual_seed(123)
    {"cell 78", R"BOOK(Ep 1 (Step 000000): Train loss 9.781, Val loss 9.933
Ep 1 (Step 000005): Train loss 8.111, Val loss 8.339
Every effort moves you,,,,,,,,,,,,.                                     )BOOK"},
    // cell 92 (5.3.1 Temperature scaling): vocab = {
    {"cell 92", R"BOOK(forward)BOOK"},
    // cell 93 (5.3.1 Temperature scaling): torch.manual_seed(123)
    {"cell 93", R"BOOK(forward)BOOK"},
    // cell 95 (5.3.1 Temperature scaling): def print_sampled_tokens(probas):
    {"cell 95", R"BOOK(73 x closer
0 x every
0 x effort
582 x forward
2 x inches
0 x moves
0 x pizza
343 x toward
0 x you)BOOK"},
    // cell 101 (5.3.1 Temperature scaling): print_sampled_tokens(scaled_probas[1])
    {"cell 101", R"BOOK(0 x closer
0 x every
0 x effort
985 x forward
0 x inches
0 x moves
0 x pizza
15 x toward
0 x you)BOOK"},
    // cell 103 (5.3.1 Temperature scaling): print_sampled_tokens(scaled_probas[2])
    {"cell 103", R"BOOK(165 x closer
75 x every
42 x effort
239 x forward
71 x inches
46 x moves
32 x pizza
227 x toward
103 x you)BOOK"},
    // cell 109 (5.3.2 Top-k sampling): top_k = 3
    {"cell 109", R"BOOK(Top logits: tensor([6.7500, 6.2800, 4.5100])
Top positions: tensor([3, 7, 0]))BOOK"},
    // cell 110 (5.3.2 Top-k sampling): new_logits = torch.where(
    {"cell 110",
     R"BOOK(tensor([4.5100,   -inf,   -inf, 6.7500,   -inf,   -inf,   -inf, 6.2800,   -inf]))BOOK"},
    // cell 112 (5.3.2 Top-k sampling): topk_probas = torch.softmax(new_logits, dim=0)
    {"cell 112",
     R"BOOK(tensor([0.0615, 0.0000, 0.0000, 0.5775, 0.0000, 0.0000, 0.0000, 0.3610, 0.0000]))BOOK"},
};
// The rest of the 10-epoch run and the texts of the trained model.
const std::vector<BookBlock> kBookTrained = {
    // cell 78 (5.2 Training an LLM): torch.manual_seed(123), lines 1-23 and 25-
    // (line 24 is "Ep 9 (Step 000075): Train loss 0.717, Val loss 6.293"; we print 0.716: see below)
    {"cell 78, lines 1-23", R"BOOK(Ep 1 (Step 000000): Train loss 9.781, Val loss 9.933
Ep 1 (Step 000005): Train loss 8.111, Val loss 8.339
Every effort moves you,,,,,,,,,,,,.                                     
Ep 2 (Step 000010): Train loss 6.661, Val loss 7.048
Ep 2 (Step 000015): Train loss 5.961, Val loss 6.616
Every effort moves you, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and, and,, and, and,
Ep 3 (Step 000020): Train loss 5.726, Val loss 6.600
Ep 3 (Step 000025): Train loss 5.201, Val loss 6.348
Every effort moves you, and I had been.                                            
Ep 4 (Step 000030): Train loss 4.417, Val loss 6.278
Ep 4 (Step 000035): Train loss 4.069, Val loss 6.226
Every effort moves you know the                          "I he had the donkey and I had the and I had the donkey and down the room, I had
Ep 5 (Step 000040): Train loss 3.732, Val loss 6.160
Every effort moves you know it was not that the picture--I had the fact by the last I had been--his, and in the            "Oh, and he said, and down the room, and in
Ep 6 (Step 000045): Train loss 2.850, Val loss 6.179
Ep 6 (Step 000050): Train loss 2.427, Val loss 6.141
Every effort moves you know," was one of the picture. The--I had a little of a little: "Yes, and in fact, and in the picture was, and I had been at my elbow and as his pictures, and down the room, I had
Ep 7 (Step 000055): Train loss 2.104, Val loss 6.134
Ep 7 (Step 000060): Train loss 1.882, Val loss 6.233
Every effort moves you know," was one of the picture for nothing--I told Mrs.  "I was no--as! The women had been, in the moment--as Jack himself, as once one had been the donkey, and were, and in his
Ep 8 (Step 000065): Train loss 1.320, Val loss 6.238
Ep 8 (Step 000070): Train loss 0.985, Val loss 6.242
Every effort moves you know," was one of the axioms he had been the tips of a self-confident moustache, I felt to see a smile behind his close grayish beard--as if he had the donkey. "strongest," as his)BOOK"},
    {"cell 78, line 24 from its validation loss", R"BOOK(, Val loss 6.293
Ep 9 (Step 000080): Train loss 0.541, Val loss 6.393
Every effort moves you?"  "Yes--quite insensible to the irony. She wanted him vindicated--and by me!"  He laughed again, and threw back the window-curtains, I had the donkey. "There were days when I
Ep 10 (Step 000085): Train loss 0.391, Val loss 6.452
Every effort moves you know," was one of the axioms he laid down across the Sevres and silver of an exquisitely appointed luncheon-table, when, on a later day, I had again run over from Monte Carlo; and Mrs. Gis)BOOK"},
    // cell 87 (5.3 Decoding strategies to control randomness): inference_device = torch.device("cpu")
    {"cell 87", R"BOOK(Output text:
 Every effort moves you know," was one of the axioms he laid down across the Sevres and silver of an exquisitely appointed lun)BOOK"},
    // cell 116 (5.3.3 Modifying the text generation function): torch.manual_seed(123)
    {"cell 116", R"BOOK(Output text:
 Every effort moves you stand to work on surprise, a one of us had gone with random-)BOOK"},
};
}  // namespace

// Not printed as the book prints them (float32 round-off; the values agree
// within the tolerances the unit tests use):
// - cell 33, line 1: the book's 7.4541e-05 is 7.45405...e-05 and our softmax
//   over 50,257 logits (libm's exp, our summation order) gives 7.4540e-05;
// - cell 72, line 2: the validation loss 10.98110580444336 is one float32 ulp
//   from ours, 10.981106758117676 (the training loss agrees in all 16 digits).
// - cell 78, line 24: "Ep 9 (Step 000075): Train loss 0.717" in the book, 0.716
//   here: the mean of five batch losses near 0.7165 after 75 steps of training,
//   where float32 sums in another order have moved the weights by round-off.
// Cells 131-146 need OpenAI's GPT-2 weights, which this machine cannot download.

// ./book run ch05 up to the end of its first epoch (about a minute).
TEST_CASE(
    "chapter 5 prints every value the book prints, as the book prints it, up to epoch 1 (GPT_CONFIG_124M)") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --epochs 1 --out \"${TMPDIR:-/tmp}/ch05_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBookFirstEpoch) ==
          static_cast<int>(kBookFirstEpoch.size()));
}

// The whole chapter: 10 epochs, about 8 minutes, so not part of ./book test;
// run it with LLM_BOOK_FULL_RUN=1 ./build/ch05/ch05_book_output.
TEST_CASE(
    "chapter 5, the whole 10-epoch run: the book's log and the trained model's texts (GPT_CONFIG_124M)" *
    doctest::skip(std::getenv("LLM_BOOK_FULL_RUN") == nullptr)) {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --out \"${TMPDIR:-/tmp}/ch05_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBookTrained) ==
          static_cast<int>(kBookTrained.size()));
}
