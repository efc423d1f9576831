// Chapter 4 as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/ch04.md (cell numbers and
// sections as there), and must appear, in order, in what the chapter's
// program prints. Values the program cannot print as the book does are
// named below and in notes/book-fidelity.md.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 15 (4.1 Coding an LLM architecture): import tiktoken
    {"cell 15", R"BOOK(tensor([[6109, 3626, 6100,  345],
        [6109, 1110, 6622,  257]]))BOOK"},
    // cell 16 (4.1 Coding an LLM architecture): torch.manual_seed(123)
    {"cell 16", R"BOOK(Output shape: torch.Size([2, 4, 50257])
tensor([[[-1.2034,  0.3201, -0.7130,  ..., -1.5548, -0.2390, -0.4667],
         [-0.1192,  0.4539, -0.4432,  ...,  0.2392,  1.3469,  1.2430],
         [ 0.5307,  1.6720, -0.4695,  ...,  1.1966,  0.0111,  0.5835],)BOOK"},
    // cell 16, lines 6-12 (line 5 holds 1.6754, which we print 1.6755: see below)
    {"cell 16 (lines 6-12)", R"BOOK(
        [[-1.0908,  0.1798, -0.9484,  ..., -1.6047,  0.2439, -0.4530],
         [-0.7860,  0.5581, -0.0610,  ...,  0.4835, -0.0077,  1.6621],
         [ 0.3567,  1.2698, -0.6398,  ..., -0.0162, -0.1296,  0.3717],
         [-0.2407, -0.7349, -0.5102,  ...,  2.0057, -0.3694,  0.1814]]],
       grad_fn=<UnsafeViewBackward0>))BOOK"},
    // cell 22 (4.2 Normalizing activations with layer normalization): torch.manual_seed(123)
    {"cell 22", R"BOOK(tensor([[0.2260, 0.3470, 0.0000, 0.2216, 0.0000, 0.0000],
        [0.2133, 0.2394, 0.0000, 0.5198, 0.3297, 0.0000]],
       grad_fn=<ReluBackward0>))BOOK"},
    // cell 24 (4.2 Normalizing activations with layer normalization): mean = out.mean(dim=-1, keepdim=True)
    {"cell 24", R"BOOK(Mean:
 tensor([[0.1324],
        [0.2170]], grad_fn=<MeanBackward1>)
Variance:
 tensor([[0.0231],
        [0.0398]], grad_fn=<VarBackward0>))BOOK"},
    // cell 28 (4.2 Normalizing activations with layer normalization): out_norm = (out - mean) / torch.sqrt(var)
    {"cell 28", R"BOOK(Normalized layer outputs:
 tensor([[ 0.6159,  1.4126, -0.8719,  0.5872, -0.8719, -0.8719],
        [-0.0189,  0.1121, -1.0876,  1.5173,  0.5647, -1.0876]],
       grad_fn=<DivBackward0>))BOOK"},
    // cell 28, the variance after the (not reproduced) mean
    {"cell 28 (variance)", R"BOOK(Variance:
 tensor([[1.0000],
        [1.0000]], grad_fn=<VarBackward0>))BOOK"},
    // cell 30, the variance
    {"cell 30 (variance)", R"BOOK(Variance:
 tensor([[1.0000],
        [1.0000]], grad_fn=<VarBackward0>))BOOK"},
    // cell 35 (4.2 Normalizing activations with layer normalization): mean = out_ln.mean(dim=-1, keepdim=True)
    {"cell 35", R"BOOK(Mean:
 tensor([[    -0.0000],
        [     0.0000]], grad_fn=<MeanBackward1>)
Variance:
 tensor([[1.0000],
        [1.0000]], grad_fn=<VarBackward0>))BOOK"},
    // cell 44 (4.3 Implementing a feed forward network with GELU activations): print(GPT_CONFIG_124M["emb_dim"])
    {"cell 44", R"BOOK(768)BOOK"},
    // cell 46 (4.3 Implementing a feed forward network with GELU activations): ffn = FeedForward(GPT_CONFIG_124M)
    {"cell 46", R"BOOK(torch.Size([2, 3, 768]))BOOK"},
    // cell 63 (4.5 Connecting attention and linear layers in a transformer block): torch.manual_seed(123)
    {"cell 63", R"BOOK(Input shape: torch.Size([2, 4, 768])
Output shape: torch.Size([2, 4, 768]))BOOK"},
    // cell 71 (4.6 Coding the GPT model): torch.manual_seed(123)
    {"cell 71", R"BOOK(Input batch:
 tensor([[6109, 3626, 6100,  345],
        [6109, 1110, 6622,  257]])

Output shape: torch.Size([2, 4, 50257])
tensor([[[ 0.3613,  0.4222, -0.0711,  ...,  0.3483,  0.4661, -0.2838],
         [-0.1792, -0.5660, -0.9485,  ...,  0.0477,  0.5181, -0.3168],
         [ 0.7120,  0.0332,  0.1085,  ...,  0.1018, -0.4327, -0.2553],
         [-1.0076,  0.3418, -0.1190,  ...,  0.7195,  0.4023,  0.0532]],

        [[-0.2564,  0.0900,  0.0335,  ...,  0.2659,  0.4454, -0.6806],
         [ 0.1230,  0.3653, -0.2074,  ...,  0.7705,  0.2710,  0.2246],
         [ 1.0558,  1.0318, -0.2800,  ...,  0.6936,  0.3205, -0.3178],
         [-0.1565,  0.3926,  0.3288,  ...,  1.2630, -0.1858,  0.0388]]],
       grad_fn=<UnsafeViewBackward0>))BOOK"},
    // cell 73 (4.6 Coding the GPT model): total_params = sum(p.numel() for p in model.parameters())
    {"cell 73", R"BOOK(Total number of parameters: 163,009,536)BOOK"},
    // cell 75 (4.6 Coding the GPT model): print("Token embedding layer shape:", model.tok_emb.weight.shape)
    {"cell 75", R"BOOK(Token embedding layer shape: torch.Size([50257, 768])
Output layer shape: torch.Size([50257, 768]))BOOK"},
    // cell 77 (4.6 Coding the GPT model): total_params_gpt2 =  total_params - sum(p.numel() for p in model.out_head.parameters())
    {"cell 77", R"BOOK(Number of trainable parameters considering weight tying: 124,412,160)BOOK"},
    // cell 79 (4.6 Coding the GPT model): total_size_bytes = total_params * 4
    {"cell 79", R"BOOK(Total size of the model: 621.83 MB)BOOK"},
    // cell 89 (4.7 Generating text): start_context = "Hello, I am"
    {"cell 89", R"BOOK(encoded: [15496, 11, 314, 716]
encoded_tensor.shape: torch.Size([1, 4]))BOOK"},
    // cell 90 (4.7 Generating text): model.eval() # disable dropout
    {"cell 90",
     R"BOOK(Output: tensor([[15496,    11,   314,   716, 27018, 24086, 47843, 30961, 42348,  7267]])
Output length: 10)BOOK"},
    // cell 92 (4.7 Generating text): decoded_text = tokenizer.decode(out.squeeze(0).tolist())
    {"cell 92", R"BOOK(Hello, I am Featureiman Byeswickattribute argue)BOOK"},
};
}  // namespace

// Not printed as the book prints them (the values agree within float32
// round-off; the tests next to the code check them with tolerances):
// - cell 16, line 5: one of the DummyGPTModel's 48 printed logits, 1.6754 in the
//   book, is 1.67545... and rounds to 1.6755 with our sgemm's summation order;
// - cells 28 and 30, the mean of the normalised outputs: the book's -5.9605e-08
//   and 1.9868e-08 are float32 round-off; ours are 0 and 1.9868e-08 (and so
//   "0.0000" where the book prints "-0.0000" with sci_mode=False);
// - cells 54 and 56, the 17-digit gradient means: equal to about 7 digits.
TEST_CASE(
    "chapter 4 prints every value the book prints, as the book prints it (runs GPT_CONFIG_124M)") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --out \"${TMPDIR:-/tmp}/ch04_book_output\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
