// Appendix A as the book prints it: each block below is copied verbatim from
// the notebook output in ../shared/book-outputs/appendix-a.md (cell numbers
// and sections as there), and must appear, in order, in what
// ./book run appendix-a prints.
#include "book_output.hpp"

using llm::testing::BookBlock;

namespace {
const std::vector<BookBlock> kBook = {
    // cell 11 (A.2.1 Scalars, vectors, matrices, and tensors): ary3d[0, 0, 0] = 999
    {"cell 11", R"BOOK(tensor([[[1, 2],
         [3, 4]],

        [[5, 6],
         [7, 8]]]))BOOK"},
    // cell 12 (A.2.1 Scalars, vectors, matrices, and tensors): print(tensor3d_3) # changes because of memory sharing
    {"cell 12", R"BOOK(tensor([[[999,   2],
         [  3,   4]],

        [[  5,   6],
         [  7,   8]]]))BOOK"},
    // cell 14 (A.2.2 Tensor data types): tensor1d = torch.tensor([1, 2, 3])
    {"cell 14", R"BOOK(torch.int64)BOOK"},
    // cell 15 (A.2.2 Tensor data types): floatvec = torch.tensor([1.0, 2.0, 3.0])
    {"cell 15", R"BOOK(torch.float32)BOOK"},
    // cell 16 (A.2.2 Tensor data types): floatvec = tensor1d.to(torch.float32)
    {"cell 16", R"BOOK(torch.float32)BOOK"},
    // cell 18 (A.2.3 Common PyTorch tensor operations): tensor2d = torch.tensor([[1, 2, 3],
    {"cell 18", R"BOOK(tensor([[1, 2, 3],
        [4, 5, 6]]))BOOK"},
    // cell 19 (A.2.3 Common PyTorch tensor operations): tensor2d.shape
    {"cell 19", R"BOOK(torch.Size([2, 3]))BOOK"},
    // cell 20 (A.2.3 Common PyTorch tensor operations): tensor2d.reshape(3, 2)
    {"cell 20", R"BOOK(tensor([[1, 2],
        [3, 4],
        [5, 6]]))BOOK"},
    // cell 21 (A.2.3 Common PyTorch tensor operations): tensor2d.view(3, 2)
    {"cell 21", R"BOOK(tensor([[1, 2],
        [3, 4],
        [5, 6]]))BOOK"},
    // cell 22 (A.2.3 Common PyTorch tensor operations): tensor2d.T
    {"cell 22", R"BOOK(tensor([[1, 4],
        [2, 5],
        [3, 6]]))BOOK"},
    // cell 23 (A.2.3 Common PyTorch tensor operations): tensor2d.matmul(tensor2d.T)
    {"cell 23", R"BOOK(tensor([[14, 32],
        [32, 77]]))BOOK"},
    // cell 24 (A.2.3 Common PyTorch tensor operations): tensor2d @ tensor2d.T
    {"cell 24", R"BOOK(tensor([[14, 32],
        [32, 77]]))BOOK"},
    // cell 27 (A.3 Seeing models as computation graphs): import torch.nn.functional as F
    {"cell 27", R"BOOK(tensor(0.0852))BOOK"},
    // cell 30 (A.4 Automatic differentiation made easy): import torch.nn.functional as F
    {"cell 30", R"BOOK((tensor([-0.0898]),)
(tensor([-0.0817]),))BOOK"},
    // cell 31 (A.4 Automatic differentiation made easy): loss.backward()
    {"cell 31", R"BOOK(tensor([-0.0898])
tensor([-0.0817]))BOOK"},
    // cell 36 (A.5 Implementing multilayer neural networks): print(model)
    {"cell 36", R"BOOK(NeuralNetwork(
  (layers): Sequential(
    (0): Linear(in_features=50, out_features=30, bias=True)
    (1): ReLU()
    (2): Linear(in_features=30, out_features=20, bias=True)
    (3): ReLU()
    (4): Linear(in_features=20, out_features=3, bias=True)
  )
))BOOK"},
    // cell 37 (A.5 Implementing multilayer neural networks): num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    {"cell 37", R"BOOK(Total number of trainable model parameters: 2213)BOOK"},
    // cell 39 (A.5 Implementing multilayer neural networks): torch.manual_seed(123)
    {"cell 39", R"BOOK(Parameter containing:
tensor([[-0.0577,  0.0047, -0.0702,  ...,  0.0222,  0.1260,  0.0865],
        [ 0.0502,  0.0307,  0.0333,  ...,  0.0951,  0.1134, -0.0297],
        [ 0.1077, -0.1108,  0.0122,  ...,  0.0108, -0.1049, -0.1063],
        ...,
        [-0.0787,  0.1259,  0.0803,  ...,  0.1218,  0.1303, -0.1351],
        [ 0.1359,  0.0175, -0.0673,  ...,  0.0674,  0.0676,  0.1058],
        [ 0.0790,  0.1343, -0.0293,  ...,  0.0344, -0.0971, -0.0509]],
       requires_grad=True))BOOK"},
    // cell 40 (A.5 Implementing multilayer neural networks): print(model.layers[0].weight.shape)
    {"cell 40", R"BOOK(torch.Size([30, 50]))BOOK"},
    // cell 41 (A.5 Implementing multilayer neural networks): torch.manual_seed(123)
    {"cell 41", R"BOOK(tensor([[-0.1262,  0.1080, -0.1792]], grad_fn=<AddmmBackward0>))BOOK"},
    // cell 42 (A.5 Implementing multilayer neural networks): with torch.no_grad():
    {"cell 42", R"BOOK(tensor([[-0.1262,  0.1080, -0.1792]]))BOOK"},
    // cell 43 (A.5 Implementing multilayer neural networks): with torch.no_grad():
    {"cell 43", R"BOOK(tensor([[0.3113, 0.3934, 0.2952]]))BOOK"},
    // cell 49 (A.6 Setting up efficient data loaders): len(train_ds)
    {"cell 49", R"BOOK(5)BOOK"},
    // cell 52 (A.6 Setting up efficient data loaders): for idx, (x, y) in enumerate(train_loader):
    {"cell 52", R"BOOK(Batch 1: tensor([[ 2.3000, -1.1000],
        [-0.9000,  2.9000]]) tensor([1, 0])
Batch 2: tensor([[-1.2000,  3.1000],
        [-0.5000,  2.6000]]) tensor([0, 0])
Batch 3: tensor([[ 2.7000, -1.5000]]) tensor([1]))BOOK"},
    // cell 54 (A.6 Setting up efficient data loaders): for idx, (x, y) in enumerate(train_loader):
    {"cell 54", R"BOOK(Batch 1: tensor([[-1.2000,  3.1000],
        [-0.5000,  2.6000]]) tensor([0, 0])
Batch 2: tensor([[ 2.3000, -1.1000],
        [-0.9000,  2.9000]]) tensor([1, 0]))BOOK"},
    // cell 57 (A.7 A typical training loop): import torch.nn.functional as F
    {"cell 57", R"BOOK(Epoch: 001/003 | Batch 000/002 | Train/Val Loss: 0.75
Epoch: 001/003 | Batch 001/002 | Train/Val Loss: 0.65
Epoch: 002/003 | Batch 000/002 | Train/Val Loss: 0.44
Epoch: 002/003 | Batch 001/002 | Train/Val Loss: 0.13
Epoch: 003/003 | Batch 000/002 | Train/Val Loss: 0.03
Epoch: 003/003 | Batch 001/002 | Train/Val Loss: 0.00)BOOK"},
    // cell 58 (A.7 A typical training loop): model.eval()
    {"cell 58", R"BOOK(tensor([[ 2.8569, -4.1618],
        [ 2.5382, -3.7548],
        [ 2.0944, -3.1820],
        [-1.4814,  1.4816],
        [-1.7176,  1.7342]]))BOOK"},
    // cell 59 (A.7 A typical training loop): torch.set_printoptions(sci_mode=False)
    {"cell 59", R"BOOK(tensor([[    0.9991,     0.0009],
        [    0.9982,     0.0018],
        [    0.9949,     0.0051],
        [    0.0491,     0.9509],
        [    0.0307,     0.9693]])
tensor([0, 0, 0, 1, 1]))BOOK"},
    // cell 60 (A.7 A typical training loop): predictions = torch.argmax(outputs, dim=1)
    {"cell 60", R"BOOK(tensor([0, 0, 0, 1, 1]))BOOK"},
    // cell 61 (A.7 A typical training loop): predictions == y_train
    {"cell 61", R"BOOK(tensor([True, True, True, True, True]))BOOK"},
    // cell 62 (A.7 A typical training loop): torch.sum(predictions == y_train)
    {"cell 62", R"BOOK(tensor(5))BOOK"},
    // cell 64 (A.7 A typical training loop): compute_accuracy(model, train_loader)
    {"cell 64", R"BOOK(1.0)BOOK"},
    // cell 65 (A.7 A typical training loop): compute_accuracy(model, test_loader)
    {"cell 65", R"BOOK(1.0)BOOK"},
    // cell 68 (A.8 Saving and loading models): model = NeuralNetwork(2, 2) # needs to match the original model exactly
    {"cell 68", R"BOOK(<All keys matched successfully>)BOOK"},
};
}  // namespace

// Not compared: cells 3-4 (PyTorch version, CUDA), and cell 38, the weights of
// a model built before any manual_seed: PyTorch seeds its CPU generator at
// random when it starts, so no two runs of the notebook print the same.
TEST_CASE("appendix A prints every value the book prints, as the book prints it") {
    const std::string out = llm::testing::program_output(
        LLM_CHAPTER_PROGRAM " --save \"${TMPDIR:-/tmp}/appendix_a_book_output.safetensors\"");
    CHECK(llm::testing::check_book_blocks(out, kBook) == static_cast<int>(kBook.size()));
}
