// Chapter 3 as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/ch03.md (cell numbers and
// sections as there), and must appear, in order, in what the chapter's
// program prints. Values the program cannot print as the book does are
// named in notes/book-fidelity.md.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 28 (3.3.1 A simple self-attention mechanism without trainable weights): query = inputs[1]  # 2nd input token is the query
    {"cell 28", R"BOOK(tensor([0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865]))BOOK"},
    // cell 30 (3.3.1 A simple self-attention mechanism without trainable weights): res = 0.
    {"cell 30", R"BOOK(tensor(0.9544)
tensor(0.9544))BOOK"},
    // cell 33 (3.3.1 A simple self-attention mechanism without trainable weights): attn_weights_2_tmp = attn_scores_2 / attn_scores_2.sum()
    {"cell 33", R"BOOK(Attention weights: tensor([0.1455, 0.2278, 0.2249, 0.1285, 0.1077, 0.1656])
Sum: tensor(1.0000))BOOK"},
    // cell 35 (3.3.1 A simple self-attention mechanism without trainable weights): def softmax_naive(x):
    {"cell 35",
     R"BOOK(Attention weights: tensor([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581]))BOOK"},  // its "Sum: tensor(1.)": see below
    // cell 37 (3.3.1 A simple self-attention mechanism without trainable weights): attn_weights_2 = torch.softmax(attn_scores_2, dim=0)
    {"cell 37", R"BOOK(Attention weights: tensor([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])
Sum: tensor(1.))BOOK"},
    // cell 40 (3.3.1 A simple self-attention mechanism without trainable weights): query = inputs[1] # 2nd input token is the query
    {"cell 40", R"BOOK(tensor([0.4419, 0.6515, 0.5683]))BOOK"},
    // cell 47 (Generalize to all input sequence tokens:): attn_scores = torch.empty(6, 6)
    {"cell 47", R"BOOK(tensor([[0.9995, 0.9544, 0.9422, 0.4753, 0.4576, 0.6310],
        [0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865],
        [0.9422, 1.4754, 1.4570, 0.8296, 0.7154, 1.0605],
        [0.4753, 0.8434, 0.8296, 0.4937, 0.3474, 0.6565],
        [0.4576, 0.7070, 0.7154, 0.3474, 0.6654, 0.2935],
        [0.6310, 1.0865, 1.0605, 0.6565, 0.2935, 0.9450]]))BOOK"},
    // cell 49 (Generalize to all input sequence tokens:): attn_scores = inputs @ inputs.T
    {"cell 49", R"BOOK(tensor([[0.9995, 0.9544, 0.9422, 0.4753, 0.4576, 0.6310],
        [0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865],
        [0.9422, 1.4754, 1.4570, 0.8296, 0.7154, 1.0605],
        [0.4753, 0.8434, 0.8296, 0.4937, 0.3474, 0.6565],
        [0.4576, 0.7070, 0.7154, 0.3474, 0.6654, 0.2935],
        [0.6310, 1.0865, 1.0605, 0.6565, 0.2935, 0.9450]]))BOOK"},
    // cell 51 (Generalize to all input sequence tokens:): attn_weights = torch.softmax(attn_scores, dim=-1)
    {"cell 51", R"BOOK(tensor([[0.2098, 0.2006, 0.1981, 0.1242, 0.1220, 0.1452],
        [0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581],
        [0.1390, 0.2369, 0.2326, 0.1242, 0.1108, 0.1565],
        [0.1435, 0.2074, 0.2046, 0.1462, 0.1263, 0.1720],
        [0.1526, 0.1958, 0.1975, 0.1367, 0.1879, 0.1295],
        [0.1385, 0.2184, 0.2128, 0.1420, 0.0988, 0.1896]]))BOOK"},
    // cell 53 (Generalize to all input sequence tokens:): row_2_sum = sum([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])
    {"cell 53", R"BOOK(Row 2 sum: 1.0)BOOK"},
    // cell 55 (Generalize to all input sequence tokens:): all_context_vecs = attn_weights @ inputs
    {"cell 55", R"BOOK(tensor([[0.4421, 0.5931, 0.5790],
        [0.4419, 0.6515, 0.5683],
        [0.4431, 0.6496, 0.5671],
        [0.4304, 0.6298, 0.5510],
        [0.4671, 0.5910, 0.5266],
        [0.4177, 0.6503, 0.5645]]))BOOK"},
    // cell 57 (Generalize to all input sequence tokens:): print("Previous 2nd context vector:", context_vec_2)
    {"cell 57", R"BOOK(Previous 2nd context vector: tensor([0.4419, 0.6515, 0.5683]))BOOK"},
    // cell 70 (3.4.1 Computing the attention weights step by step): query_2 = x_2 @ W_query # _2 because it's with respect to the 2nd input element
    {"cell 70", R"BOOK(tensor([0.4306, 1.4551]))BOOK"},
    // cell 72 (3.4.1 Computing the attention weights step by step): keys = inputs @ W_key
    {"cell 72", R"BOOK(keys.shape: torch.Size([6, 2])
values.shape: torch.Size([6, 2]))BOOK"},
    // cell 75 (3.4.1 Computing the attention weights step by step): keys_2 = keys[1] # Python starts index at 0
    {"cell 75", R"BOOK(tensor(1.8524))BOOK"},
    // cell 77 (3.4.1 Computing the attention weights step by step): attn_scores_2 = query_2 @ keys.T # All attention scores for given query
    {"cell 77", R"BOOK(tensor([1.2705, 1.8524, 1.8111, 1.0795, 0.5577, 1.5440]))BOOK"},
    // cell 80 (3.4.1 Computing the attention weights step by step): d_k = keys.shape[1]
    {"cell 80", R"BOOK(tensor([0.1500, 0.2264, 0.2199, 0.1311, 0.0906, 0.1820]))BOOK"},
    // cell 83 (3.4.1 Computing the attention weights step by step): context_vec_2 = attn_weights_2 @ values
    {"cell 83", R"BOOK(tensor([0.3061, 0.8210]))BOOK"},
    // cell 86 (3.4.2 Implementing a compact SelfAttention class): import torch.nn as nn
    {"cell 86", R"BOOK(tensor([[0.2996, 0.8053],
        [0.3061, 0.8210],
        [0.3058, 0.8203],
        [0.2948, 0.7939],
        [0.2927, 0.7891],
        [0.2990, 0.8040]], grad_fn=<MmBackward0>))BOOK"},
    // cell 89 (3.4.2 Implementing a compact SelfAttention class): class SelfAttention_v2(nn.Module):
    {"cell 89", R"BOOK(tensor([[-0.0739,  0.0713],
        [-0.0748,  0.0703],
        [-0.0749,  0.0702],
        [-0.0760,  0.0685],
        [-0.0763,  0.0679],
        [-0.0754,  0.0693]], grad_fn=<MmBackward0>))BOOK"},
    // cell 98 (3.5.1 Applying a causal attention mask): queries = sa_v2.W_query(inputs)
    {"cell 98", R"BOOK(tensor([[0.1921, 0.1646, 0.1652, 0.1550, 0.1721, 0.1510],
        [0.2041, 0.1659, 0.1662, 0.1496, 0.1665, 0.1477],
        [0.2036, 0.1659, 0.1662, 0.1498, 0.1664, 0.1480],
        [0.1869, 0.1667, 0.1668, 0.1571, 0.1661, 0.1564],
        [0.1830, 0.1669, 0.1670, 0.1588, 0.1658, 0.1585],
        [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
       grad_fn=<SoftmaxBackward0>))BOOK"},
    // cell 100 (3.5.1 Applying a causal attention mask): context_length = attn_scores.shape[0]
    {"cell 100", R"BOOK(tensor([[1., 0., 0., 0., 0., 0.],
        [1., 1., 0., 0., 0., 0.],
        [1., 1., 1., 0., 0., 0.],
        [1., 1., 1., 1., 0., 0.],
        [1., 1., 1., 1., 1., 0.],
        [1., 1., 1., 1., 1., 1.]]))BOOK"},
    // cell 102 (3.5.1 Applying a causal attention mask): masked_simple = attn_weights*mask_simple
    {"cell 102", R"BOOK(tensor([[0.1921, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.2041, 0.1659, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.2036, 0.1659, 0.1662, 0.0000, 0.0000, 0.0000],
        [0.1869, 0.1667, 0.1668, 0.1571, 0.0000, 0.0000],
        [0.1830, 0.1669, 0.1670, 0.1588, 0.1658, 0.0000],
        [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
       grad_fn=<MulBackward0>))BOOK"},
    // cell 105 (3.5.1 Applying a causal attention mask): row_sums = masked_simple.sum(dim=-1, keepdim=True)
    {"cell 105", R"BOOK(tensor([[1.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.5517, 0.4483, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.3800, 0.3097, 0.3103, 0.0000, 0.0000, 0.0000],
        [0.2758, 0.2460, 0.2462, 0.2319, 0.0000, 0.0000],
        [0.2175, 0.1983, 0.1984, 0.1888, 0.1971, 0.0000],
        [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
       grad_fn=<DivBackward0>))BOOK"},
    // cell 108 (3.5.1 Applying a causal attention mask): mask = torch.triu(torch.ones(context_length, context_length), diagonal=1)
    {"cell 108", R"BOOK(tensor([[0.2899,   -inf,   -inf,   -inf,   -inf,   -inf],
        [0.4656, 0.1723,   -inf,   -inf,   -inf,   -inf],
        [0.4594, 0.1703, 0.1731,   -inf,   -inf,   -inf],
        [0.2642, 0.1024, 0.1036, 0.0186,   -inf,   -inf],
        [0.2183, 0.0874, 0.0882, 0.0177, 0.0786,   -inf],
        [0.3408, 0.1270, 0.1290, 0.0198, 0.1290, 0.0078]],
       grad_fn=<MaskedFillBackward0>))BOOK"},
    // cell 110 (3.5.1 Applying a causal attention mask): attn_weights = torch.softmax(masked / keys.shape[-1]**0.5, dim=-1)
    {"cell 110", R"BOOK(tensor([[1.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.5517, 0.4483, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.3800, 0.3097, 0.3103, 0.0000, 0.0000, 0.0000],
        [0.2758, 0.2460, 0.2462, 0.2319, 0.0000, 0.0000],
        [0.2175, 0.1983, 0.1984, 0.1888, 0.1971, 0.0000],
        [0.1935, 0.1663, 0.1666, 0.1542, 0.1666, 0.1529]],
       grad_fn=<SoftmaxBackward0>))BOOK"},
    // cell 115 (3.5.2 Masking additional attention weights with dropout): torch.manual_seed(123)
    {"cell 115", R"BOOK(tensor([[2., 2., 0., 2., 2., 0.],
        [0., 0., 0., 2., 0., 2.],
        [2., 2., 2., 2., 0., 2.],
        [0., 2., 2., 0., 0., 2.],
        [0., 2., 0., 2., 0., 2.],
        [0., 2., 2., 2., 2., 0.]]))BOOK"},
    // cell 116 (3.5.2 Masking additional attention weights with dropout): torch.manual_seed(123)
    {"cell 116", R"BOOK(tensor([[2.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.7599, 0.6194, 0.6206, 0.0000, 0.0000, 0.0000],
        [0.0000, 0.4921, 0.4925, 0.0000, 0.0000, 0.0000],
        [0.0000, 0.3966, 0.0000, 0.3775, 0.0000, 0.0000],
        [0.0000, 0.3327, 0.3331, 0.3084, 0.3331, 0.0000]],
       grad_fn=<MulBackward0>))BOOK"},
    // cell 120 (3.5.3 Implementing a compact causal self-attention class): batch = torch.stack((inputs, inputs), dim=0)
    {"cell 120", R"BOOK(torch.Size([2, 6, 3]))BOOK"},
    // cell 121 (3.5.3 Implementing a compact causal self-attention class): class CausalAttention(nn.Module):
    {"cell 121", R"BOOK(tensor([[[-0.4519,  0.2216],
         [-0.5874,  0.0058],
         [-0.6300, -0.0632],
         [-0.5675, -0.0843],
         [-0.5526, -0.0981],
         [-0.5299, -0.1081]],

        [[-0.4519,  0.2216],
         [-0.5874,  0.0058],
         [-0.6300, -0.0632],
         [-0.5675, -0.0843],
         [-0.5526, -0.0981],
         [-0.5299, -0.1081]]], grad_fn=<UnsafeViewBackward0>)
context_vecs.shape: torch.Size([2, 6, 2]))BOOK"},
    // cell 127 (3.6.1 Stacking multiple single-head attention layers): class MultiHeadAttentionWrapper(nn.Module):
    {"cell 127", R"BOOK(tensor([[[-0.4519,  0.2216,  0.4772,  0.1063],
         [-0.5874,  0.0058,  0.5891,  0.3257],
         [-0.6300, -0.0632,  0.6202,  0.3860],
         [-0.5675, -0.0843,  0.5478,  0.3589],
         [-0.5526, -0.0981,  0.5321,  0.3428],
         [-0.5299, -0.1081,  0.5077,  0.3493]],

        [[-0.4519,  0.2216,  0.4772,  0.1063],
         [-0.5874,  0.0058,  0.5891,  0.3257],
         [-0.6300, -0.0632,  0.6202,  0.3860],
         [-0.5675, -0.0843,  0.5478,  0.3589],
         [-0.5526, -0.0981,  0.5321,  0.3428],
         [-0.5299, -0.1081,  0.5077,  0.3493]]], grad_fn=<CatBackward0>)
context_vecs.shape: torch.Size([2, 6, 4]))BOOK"},
    // cell 131 (3.6.2 Implementing multi-head attention with weight splits): class MultiHeadAttention(nn.Module):
    {"cell 131", R"BOOK(tensor([[[0.3190, 0.4858],
         [0.2943, 0.3897],
         [0.2856, 0.3593],
         [0.2693, 0.3873],
         [0.2639, 0.3928],
         [0.2575, 0.4028]],

        [[0.3190, 0.4858],
         [0.2943, 0.3897],
         [0.2856, 0.3593],
         [0.2693, 0.3873],
         [0.2639, 0.3928],
         [0.2575, 0.4028]]], grad_fn=<ViewBackward0>)
context_vecs.shape: torch.Size([2, 6, 2]))BOOK"},
    // cell 138 (3.6.2 Implementing multi-head attention with weight splits): a = torch.tensor([[[[0.2745, 0.6584, 0.2775, 0.8573],
    {"cell 138", R"BOOK(tensor([[[[1.3208, 1.1631, 1.2879],
          [1.1631, 2.2150, 1.8424],
          [1.2879, 1.8424, 2.0402]],

         [[0.4391, 0.7003, 0.5903],
          [0.7003, 1.3737, 1.0620],
          [0.5903, 1.0620, 0.9912]]]]))BOOK"},
    // cell 140 (3.6.2 Implementing multi-head attention with weight splits): first_head = a[0, 0, :, :]
    {"cell 140", R"BOOK(First head:
 tensor([[1.3208, 1.1631, 1.2879],
        [1.1631, 2.2150, 1.8424],
        [1.2879, 1.8424, 2.0402]])

Second head:
 tensor([[0.4391, 0.7003, 0.5903],
        [0.7003, 1.3737, 1.0620],
        [0.5903, 1.0620, 0.9912]]))BOOK"},
};
}  // namespace

TEST_CASE("chapter 3 prints every value the book prints, as the book prints it") {
    // cell 35 second line, "Sum: tensor(1.)" of softmax_naive: exp differs from PyTorch's (SLEEF's
    // vectorised expf) in the last bit for some inputs, and our sum of the six is 1.0000001.
    // cell 53 second line, "All row sums: tensor([1.0000, ...])": PyTorch's vectorised exp makes
    // two of the six row sums 1.0000001; ours are exactly 1 (printed "1."). See notes/book-fidelity.md.
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --out \"${TMPDIR:-/tmp}/ch03_book_output.svg\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
