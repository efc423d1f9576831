// Chapter 2 as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/ch02.md (cell numbers and
// sections as there), and must appear, in order, in what ./book run ch02 prints.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 18 (2.2 Tokenizing text): with open("the-verdict.txt", "r", encoding="utf-8") as f:
    {"cell 18", R"BOOK(Total number of character: 20479
I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no )BOOK"},
    // cell 20 (2.2 Tokenizing text): import re
    {"cell 20",
     R"BOOK(['Hello,', ' ', 'world.', ' ', 'This,', ' ', 'is', ' ', 'a', ' ', 'test.'])BOOK"},
    // cell 22 (2.2 Tokenizing text): result = re.split(r'([,.]|\s)', text)
    {"cell 22",
     R"BOOK(['Hello', ',', '', ' ', 'world', '.', '', ' ', 'This', ',', '', ' ', 'is', ' ', 'a', ' ', 'test', '.', ''])BOOK"},
    // cell 24 (2.2 Tokenizing text): result = [item for item in result if item.strip()]
    {"cell 24", R"BOOK(['Hello', ',', 'world', '.', 'This', ',', 'is', 'a', 'test', '.'])BOOK"},
    // cell 26 (2.2 Tokenizing text): text = "Hello, world. Is this-- a test?"
    {"cell 26", R"BOOK(['Hello', ',', 'world', '.', 'Is', 'this', '--', 'a', 'test', '?'])BOOK"},
    // cell 29 (2.2 Tokenizing text): preprocessed = re.split(r'([,.:;?_!"()\']|--|\s)', raw_text)
    {"cell 29",
     R"BOOK(['I', 'HAD', 'always', 'thought', 'Jack', 'Gisburn', 'rather', 'a', 'cheap', 'genius', '--', 'though', 'a', 'good', 'fellow', 'enough', '--', 'so', 'it', 'was', 'no', 'great', 'surprise', 'to', 'me', 'to', 'hear', 'that', ',', 'in'])BOOK"},
    // cell 31 (2.2 Tokenizing text): print(len(preprocessed))
    {"cell 31", R"BOOK(4690)BOOK"},
    // cell 36 (2.3 Converting tokens into token IDs): all_words = sorted(set(preprocessed))
    {"cell 36", R"BOOK(1130)BOOK"},
    // cell 39 (2.3 Converting tokens into token IDs): for i, item in enumerate(vocab.items()):
    {"cell 39", R"BOOK(('!', 0)
('"', 1)
("'", 2)
('(', 3)
(')', 4)
(',', 5)
('--', 6)
('.', 7)
(':', 8)
(';', 9)
('?', 10)
('A', 11)
('Ah', 12)
('Among', 13)
('And', 14)
('Are', 15)
('Arrt', 16)
('As', 17)
('At', 18)
('Be', 19)
('Begin', 20)
('Burlington', 21)
('But', 22)
('By', 23)
('Carlo', 24)
('Chicago', 25)
('Claude', 26)
('Come', 27)
('Croft', 28)
('Destroyed', 29)
('Devonshire', 30)
('Don', 31)
('Dubarry', 32)
('Emperors', 33)
('Florence', 34)
('For', 35)
('Gallery', 36)
('Gideon', 37)
('Gisburn', 38)
('Gisburns', 39)
('Grafton', 40)
('Greek', 41)
('Grindle', 42)
('Grindles', 43)
('HAD', 44)
('Had', 45)
('Hang', 46)
('Has', 47)
('He', 48)
('Her', 49)
('Hermia', 50))BOOK"},
    // cell 47 (2.3 Converting tokens into token IDs): tokenizer = SimpleTokenizerV1(vocab)
    {"cell 47",
     R"BOOK([1, 56, 2, 850, 988, 602, 533, 746, 5, 1126, 596, 5, 1, 67, 7, 38, 851, 1108, 754, 793, 7])BOOK"},
    // cell 49 (2.3 Converting tokens into token IDs): tokenizer.decode(ids)
    {"cell 49",
     R"BOOK('" It\' s the last he painted, you know," Mrs. Gisburn said with pardonable pride.')BOOK"},
    // cell 50 (2.3 Converting tokens into token IDs): tokenizer.decode(tokenizer.encode(text))
    {"cell 50",
     R"BOOK('" It\' s the last he painted, you know," Mrs. Gisburn said with pardonable pride.')BOOK"},
    // cell 61 (2.4 Adding special context tokens): len(vocab.items())
    {"cell 61", R"BOOK(1132)BOOK"},
    // cell 62 (2.4 Adding special context tokens): for i, item in enumerate(list(vocab.items())[-5:]):
    {"cell 62", R"BOOK(('younger', 1127)
('your', 1128)
('yourself', 1129)
('<|endoftext|>', 1130)
('<|unk|>', 1131))BOOK"},
    // cell 66 (2.4 Adding special context tokens): tokenizer = SimpleTokenizerV2(vocab)
    {"cell 66",
     R"BOOK(Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.)BOOK"},
    // cell 67 (2.4 Adding special context tokens): tokenizer.encode(text)
    {"cell 67",
     R"BOOK([1131, 5, 355, 1126, 628, 975, 10, 1130, 55, 988, 956, 984, 722, 988, 1131, 7])BOOK"},
    // cell 68 (2.4 Adding special context tokens): tokenizer.decode(tokenizer.encode(text))
    {"cell 68",
     R"BOOK('<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>.')BOOK"},
    // cell 74 (2.5 BytePair encoding): text = (
    {"cell 74",
     R"BOOK([15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250, 8812, 2114, 1659, 617, 34680, 27271, 13])BOOK"},
    // cell 75 (2.5 BytePair encoding): strings = tokenizer.decode(integers)
    {"cell 75",
     R"BOOK(Hello, do you like tea? <|endoftext|> In the sunlit terracesof someunknownPlace.)BOOK"},
    // cell 81 (2.6 Data sampling with a sliding window): with open("the-verdict.txt", "r", encoding="utf-8") as f:
    {"cell 81", R"BOOK(5145)BOOK"},
    // cell 84 (2.6 Data sampling with a sliding window): context_size = 4
    {"cell 84", R"BOOK(x: [290, 4920, 2241, 287]
y:      [4920, 2241, 287, 257])BOOK"},
    // cell 86 (2.6 Data sampling with a sliding window): for i in range(1, context_size+1):
    {"cell 86", R"BOOK([290] ----> 4920
[290, 4920] ----> 2241
[290, 4920, 2241] ----> 287
[290, 4920, 2241, 287] ----> 257)BOOK"},
    // cell 87 (2.6 Data sampling with a sliding window): for i in range(1, context_size+1):
    {"cell 87", R"BOOK( and ---->  established
 and established ---->  himself
 and established himself ---->  in
 and established himself in ---->  a)BOOK"},
    // cell 97 (2.6 Data sampling with a sliding window): dataloader = create_dataloader_v1(
    {"cell 97",
     R"BOOK([tensor([[  40,  367, 2885, 1464]]), tensor([[ 367, 2885, 1464, 1807]])])BOOK"},
    // cell 98 (2.6 Data sampling with a sliding window): second_batch = next(data_iter)
    {"cell 98",
     R"BOOK([tensor([[ 367, 2885, 1464, 1807]]), tensor([[2885, 1464, 1807, 3619]])])BOOK"},
    // cell 102 (2.6 Data sampling with a sliding window): dataloader = create_dataloader_v1(raw_text, batch_size=8, max_length=4, stride=4, shuffle=False)
    {"cell 102", R"BOOK(Inputs:
 tensor([[   40,   367,  2885,  1464],
        [ 1807,  3619,   402,   271],
        [10899,  2138,   257,  7026],
        [15632,   438,  2016,   257],
        [  922,  5891,  1576,   438],
        [  568,   340,   373,   645],
        [ 1049,  5975,   284,   502],
        [  284,  3285,   326,    11]])

Targets:
 tensor([[  367,  2885,  1464,  1807],
        [ 3619,   402,   271, 10899],
        [ 2138,   257,  7026, 15632],
        [  438,  2016,   257,   922],
        [ 5891,  1576,   438,   568],
        [  340,   373,   645,  1049],
        [ 5975,   284,   502,   284],
        [ 3285,   326,    11,   287]]))BOOK"},
    // cell 111 (2.7 Creating token embeddings): print(embedding_layer.weight)
    {"cell 111", R"BOOK(Parameter containing:
tensor([[ 0.3374, -0.1778, -0.1690],
        [ 0.9178,  1.5810,  1.3010],
        [ 1.2753, -0.2010, -0.1606],
        [-0.4015,  0.9666, -1.1481],
        [-1.1589,  0.3255, -0.6315],
        [-2.8400, -0.7849, -1.4096]], requires_grad=True))BOOK"},
    // cell 114 (2.7 Creating token embeddings): print(embedding_layer(torch.tensor([3])))
    {"cell 114", R"BOOK(tensor([[-0.4015,  0.9666, -1.1481]], grad_fn=<EmbeddingBackward0>))BOOK"},
    // cell 116 (2.7 Creating token embeddings): print(embedding_layer(input_ids))
    {"cell 116", R"BOOK(tensor([[ 1.2753, -0.2010, -0.1606],
        [-0.4015,  0.9666, -1.1481],
        [-2.8400, -0.7849, -1.4096],
        [ 0.9178,  1.5810,  1.3010]], grad_fn=<EmbeddingBackward0>))BOOK"},
    // cell 129 (2.8 Encoding word positions): print("Token IDs:\n", inputs)
    {"cell 129", R"BOOK(Token IDs:
 tensor([[   40,   367,  2885,  1464],
        [ 1807,  3619,   402,   271],
        [10899,  2138,   257,  7026],
        [15632,   438,  2016,   257],
        [  922,  5891,  1576,   438],
        [  568,   340,   373,   645],
        [ 1049,  5975,   284,   502],
        [  284,  3285,   326,    11]])

Inputs shape:
 torch.Size([8, 4]))BOOK"},
    // cell 130 (2.8 Encoding word positions): token_embeddings = token_embedding_layer(inputs)
    {"cell 130", R"BOOK(torch.Size([8, 4, 256]))BOOK"},
    // cell 133 (2.8 Encoding word positions): pos_embeddings = pos_embedding_layer(torch.arange(max_length))
    {"cell 133", R"BOOK(torch.Size([4, 256]))BOOK"},
    // cell 135 (2.8 Encoding word positions): input_embeddings = token_embeddings + pos_embeddings
    {"cell 135", R"BOOK(torch.Size([8, 4, 256]))BOOK"},
};
}  // namespace

TEST_CASE("chapter 2 prints every value the book prints, as the book prints it") {
    const std::string out = llm::testing::program_output(LLM_CHAPTER_PROGRAM);
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
