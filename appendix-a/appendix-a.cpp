// appendix-a: the book's introduction to PyTorch, on our own core (common/).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <omp.h>

#include "autograd.hpp"
#include "bench.hpp"
#include "blas.hpp"
#include "walkthrough.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "training.hpp"

using namespace llm;
using namespace llm::appendix_a;

namespace {
}  // namespace

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    CLI::App app{"Appendix A: tensors, autograd, a small network and its training loop on our PyTorch stand-in"};
    std::string save_path = (std::filesystem::temp_directory_path() / "appendix-a-model.safetensors").string();
    app.add_option("--save", save_path, "where section A.9 saves the trained model");
    CLI11_PARSE(app, argc, argv);
    try {
        section("A.2 Tensors");
        show("tensor0d = ", Tensor::scalar(1));
        show("tensor1d = ", Tensor::from({1, 2, 3}));
        show("tensor2d = ", Tensor::from({{1, 2}, {3, 4}}));
        show("tensor3d = ", Tensor::from({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}));
        std::cout << "dtypes: float32 for values (Tensor), int64 for ids and labels (IntTensor): "
                  << IntTensor({3}, {1, 2, 3}) << "\n";
        const Tensor t2 = Tensor::from({{1, 2, 3}, {4, 5, 6}});
        std::cout << "tensor2d.shape = " << shape_str(t2.shape()) << "\n";
        show("tensor2d.view(3, 2) = ", t2.view({3, 2}));
        show("tensor2d.T = ", t2.T());
        show("tensor2d @ tensor2d.T = ", matmul(t2, t2.T()));

        section("A.3 A computation graph: logistic regression forward pass");
        const Tensor y = Tensor::from({1.0f}), x1 = Tensor::from({1.1f});
        Tensor w1 = Tensor::from({2.2f}), b = Tensor::from({0.0f});
        w1.requires_grad_();
        b.requires_grad_();
        const Tensor z = x1 * w1 + b;
        const Tensor a = sigmoid(z);
        const Tensor loss = binary_cross_entropy(a, y);
        std::printf("z = x1 * w1 + b, a = sigmoid(z), loss = BCE(a, y)\n");
        show("loss = ", loss);

        section("A.4 Automatic differentiation");
        const auto g = grad(loss, {w1, b}, /*retain_graph=*/true);
        show("grad(loss, w1) = ", g[0]);
        show("grad(loss, b)  = ", g[1]);
        loss.backward();
        show("after loss.backward(): w1.grad = ", w1.grad());
        show("                       b.grad  = ", b.grad());

        section("A.5 A multilayer neural network");
        manual_seed(123);
        NeuralNetwork model(50, 3);
        std::cout << model.repr() << "\n";
        std::printf("Total number of trainable model parameters: %lld\n", static_cast<long long>(model.num_parameters()));
        std::cout << "first row of layers.0.weight starts " << narrow(select(model.layers->at<Linear>(0).weight, 0, 0), 0, 0, 3) << "\n";
        manual_seed(123);
        const Tensor X = rand({1, 50});
        show("model(X) = ", model.forward(X));
        {
            NoGradGuard ng;
            show("softmax(model(X)) = ", softmax(model.forward(X), 1));
        }

        section("A.6 Data sets and loaders");
        auto train_ds = std::make_shared<ToyDataset>(toy_train_data());
        auto test_ds = std::make_shared<ToyDataset>(toy_test_data());
        manual_seed(123);
        DataLoader<ToyDataset> train_loader(train_ds, 2, /*shuffle=*/true, /*drop_last=*/true);
        DataLoader<ToyDataset> test_loader(test_ds, 2, false);
        int i = 0;
        for (const auto& batch : train_loader.batches())
            std::cout << "Batch " << ++i << ": " << batch.features << " " << batch.labels << "\n";

        section("A.7 A training loop");
        manual_seed(123);
        NeuralNetwork net(2, 2);
        train(net, train_loader, 3, 0.5f, [&](int epoch, int batch, float l) {
            std::printf("Epoch: %03d/%03d | Batch %03d/%03lld | Train Loss: %.2f\n", epoch + 1, 3, batch,
                        static_cast<long long>(train_loader.size()), static_cast<double>(l));
        });
        {
            NoGradGuard ng;
            const Tensor outputs = net.forward(train_ds->features);
            show("outputs = ", outputs);
            show("probabilities = ", softmax(outputs, 1));
            std::cout << "predictions = " << argmax(outputs, 1) << "\n";
        }
        std::printf("train accuracy %.1f, test accuracy %.1f\n", compute_accuracy(net, train_loader),
                    compute_accuracy(net, test_loader));

        section("A.8 Saving and loading models");
        save_safetensors(save_path, net.state_dict());
        NeuralNetwork reloaded(2, 2);
        reloaded.load_state_dict(load_safetensors(save_path).tensors);
        NoGradGuard ng;
        std::printf("saved to %s; reloaded model gives the same outputs: %s\n", save_path.c_str(),
                    reloaded.forward(train_ds->features).to_vector() == net.forward(train_ds->features).to_vector() ? "yes" : "NO");

        section("A.9 What replaces the GPU here");
        std::printf("OpenBLAS kernels: %s (best for this CPU: %s); threads: %d (one OpenMP pool shared by BLAS and our loops)\n",
                    blas_core_name().c_str(), best_core_for_cpu().c_str(), omp_get_max_threads());
        std::printf("measured sgemm on GPT-shaped products: %.0f GFLOP/s\n", bench::sgemm_gflops());
    } catch (const Error& e) {
        std::fprintf(stderr, "appendix-a: error: %s\n", e.what());
        return 1;
    }
}
