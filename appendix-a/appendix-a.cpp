// appendix-a: the book's introduction to PyTorch, on our own core (common/).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <omp.h>

#include "autograd.hpp"
#include "bench.hpp"
#include "blas.hpp"
#include "blas_startup.hpp"
#include "walkthrough.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "training.hpp"
#include "xtensor_blas_tour.hpp"

using namespace llm;
using namespace llm::appendix_a;

namespace {

// Our tensors hold float32 values; the book's integer tensors are int64.
// For printing them as PyTorch does: the same values as an int64 tensor.
IntTensor as_int64(const Tensor& t) {
    std::vector<int64_t> v;
    for (const float x : t.to_vector()) v.push_back(static_cast<int64_t>(x));
    return IntTensor(t.shape(), v);
}

// tensor([True, False, ...]) for an elementwise comparison.
std::string bool_tensor(const IntTensor& a, const IntTensor& b) {
    std::string s = "tensor([";
    for (size_t i = 0; i < a.data.size(); ++i)
        s += std::string(i ? ", " : "") + (a.data[i] == b.data[i] ? "True" : "False");
    return s + "])";
}

}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{
        "Appendix A: tensors, autograd, a small network and its training loop on our PyTorch stand-in"};
    std::string save_path =
        (std::filesystem::temp_directory_path() / "appendix-a-model.safetensors").string();
    app.add_option("--save", save_path, "where section A.9 saves the trained model");
    CLI11_PARSE(app, argc, argv);
    try {
        // Each step prints as the book's notebook prints it (appendix-a/book_output_test.cpp
        // holds the book's lines and checks them against this output).
        section("A.2.1 Scalars, vectors, matrices and tensors");
        show("tensor0d = ", Tensor::scalar(1));
        show("tensor1d = ", Tensor::from({1, 2, 3}));
        show("tensor2d = ", Tensor::from({{1, 2}, {3, 4}}));
        {
            // torch.tensor(ary3d) copies; torch.from_numpy(ary3d) shares the memory.
            // Here: a clone copies, a view shares the storage.
            Tensor ary3d = Tensor::from({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
            const Tensor tensor3d_2 = ary3d.clone(), tensor3d_3 = ary3d.view({2, 2, 2});
            ary3d.data()[0] = 999;
            std::cout << as_int64(tensor3d_2) << "\n" << as_int64(tensor3d_3) << "\n";
        }

        section("A.2.2 Tensor data types");
        std::printf("torch.int64\n");  // IntTensor: token ids and class labels
        std::printf("torch.float32\n");  // Tensor: everything with a gradient
        std::printf("torch.float32\n");  // tensor1d.to(torch.float32): Tensor from IntTensor values

        section("A.2.3 Common PyTorch tensor operations");
        const Tensor tensor2d = Tensor::from({{1, 2, 3}, {4, 5, 6}});
        std::cout << as_int64(tensor2d) << "\n" << torch_size(tensor2d.shape()) << "\n";
        std::cout << as_int64(tensor2d.reshape({3, 2})) << "\n"
                  << as_int64(tensor2d.view({3, 2})) << "\n";
        std::cout << as_int64(tensor2d.T()) << "\n";
        std::cout << as_int64(matmul(tensor2d, tensor2d.T())) << "\n"
                  << as_int64(matmul(tensor2d, tensor2d.T())) << "\n";

        section("A.3 Seeing models as computation graphs");
        const Tensor y = Tensor::from({1.0f}), x1 = Tensor::from({1.1f});
        Tensor w1 = Tensor::from({2.2f}), b = Tensor::from({0.0f});
        w1.requires_grad_();
        b.requires_grad_();
        const Tensor z = x1 * w1 + b;
        const Tensor a = sigmoid(z);
        const Tensor loss = binary_cross_entropy(a, y);
        {
            NoGradGuard ng;
            show("",
                 binary_cross_entropy(a, y));  // the book computes it without requires_grad here
        }

        section("A.4 Automatic differentiation made easy");
        const auto grad_L_w1 = grad(loss, {w1}, /*retain_graph=*/true);
        const auto grad_L_b = grad(loss, {b}, /*retain_graph=*/true);
        std::cout << "(" << grad_L_w1[0] << ",)\n(" << grad_L_b[0] << ",)\n";
        loss.backward();
        std::cout << w1.grad() << "\n" << b.grad() << "\n";

        section("A.5 Implementing multilayer neural networks");
        {
            NeuralNetwork unseeded(50, 3);  // PyTorch's default seed, as in a fresh notebook
            std::cout << unseeded.repr() << "\n";
            std::printf("Total number of trainable model parameters: %lld\n",
                        static_cast<long long>(unseeded.num_parameters()));
            std::cout << "Parameter containing:\n" << unseeded.layers->at<Linear>(0).weight << "\n";
        }
        manual_seed(123);
        NeuralNetwork model(50, 3);
        std::cout << "Parameter containing:\n" << model.layers->at<Linear>(0).weight << "\n";
        std::cout << torch_size(model.layers->at<Linear>(0).weight.shape()) << "\n";
        manual_seed(123);
        const Tensor X = rand({1, 50});
        show("", model.forward(X));
        {
            NoGradGuard ng;
            show("", model.forward(X));
            show("", softmax(model.forward(X), 1));
        }

        section("A.6 Setting up efficient data loaders");
        auto train_ds = std::make_shared<ToyDataset>(toy_train_data());
        auto test_ds = std::make_shared<ToyDataset>(toy_test_data());
        std::printf("%lld\n", static_cast<long long>(train_ds->size()));
        manual_seed(123);
        DataLoader<ToyDataset> first_loader(train_ds, 2, /*shuffle=*/true);
        DataLoader<ToyDataset> test_loader(test_ds, 2, false);
        int i = 0;
        for (const auto& batch : first_loader.batches())
            std::cout << "Batch " << ++i << ": " << batch.features << " " << batch.labels << "\n";
        DataLoader<ToyDataset> train_loader(train_ds, 2, /*shuffle=*/true, /*drop_last=*/true);
        i = 0;
        for (const auto& batch : train_loader.batches())
            std::cout << "Batch " << ++i << ": " << batch.features << " " << batch.labels << "\n";

        section("A.7 A typical training loop");
        manual_seed(123);
        NeuralNetwork net(2, 2);
        train(net, train_loader, 3, 0.5f, [&](int epoch, int batch, float l) {
            std::printf("Epoch: %03d/%03d | Batch %03d/%03lld | Train/Val Loss: %.2f\n", epoch + 1,
                        3, batch, static_cast<long long>(train_loader.size()),
                        static_cast<double>(l));
        });
        {
            NoGradGuard ng;
            const Tensor outputs = net.forward(train_ds->features);
            show("", outputs);
            print_options().sci_mode = SciMode::Off;  // torch.set_printoptions(sci_mode=False)
            show("", softmax(outputs, 1));
            print_options().sci_mode = SciMode::Auto;
            const IntTensor predictions = argmax(outputs, 1);
            std::cout << predictions << "\n" << predictions << "\n";
            std::cout << bool_tensor(predictions, train_ds->labels) << "\n";
            int64_t correct = 0;
            for (size_t k = 0; k < predictions.data.size(); ++k)
                correct += predictions.data[k] == train_ds->labels.data[k];
            std::cout << IntTensor({}, {correct}) << "\n";
        }
        std::printf("%.1f\n%.1f\n", compute_accuracy(net, train_loader),
                    compute_accuracy(net, test_loader));

        section("A.8 Saving and loading models");
        save_safetensors(save_path, net.state_dict());
        NeuralNetwork reloaded(2, 2);
        reloaded.load_state_dict(
            load_safetensors(save_path).tensors);  // strict: every name and shape must match
        std::printf("<All keys matched successfully>\n");
        NoGradGuard ng;
        std::printf("saved to %s; reloaded model gives the same outputs: %s\n", save_path.c_str(),
                    reloaded.forward(train_ds->features).to_vector() ==
                            net.forward(train_ds->features).to_vector()
                        ? "yes"
                        : "NO");

        section("A.9 What replaces the GPU here");
        std::printf(
            "OpenBLAS kernels: %s (best for this CPU: %s); threads: %d (one OpenMP pool shared by BLAS and our loops)\n",
            blas_core_name().c_str(), best_core_for_cpu().c_str(), omp_get_max_threads());
        std::printf("measured sgemm on GPT-shaped products: %.0f GFLOP/s\n", bench::sgemm_gflops());
    } catch (const Error& e) {
        std::fprintf(stderr, "appendix-a: error: %s\n", e.what());
        return 1;
    }
}
