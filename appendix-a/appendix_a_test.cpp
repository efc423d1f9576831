// The numbers appendix A of the book prints, reproduced with our core.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "testing.hpp"
#include "training.hpp"
#include "xtensor_blas_tour.hpp"

using namespace llm;
using namespace llm::appendix_a;

TEST_CASE("A.3-A.4 logistic regression: loss 0.0852, dL/dw1 = -0.0898, dL/db = -0.0817") {
    const Tensor y = Tensor::from({1.0f}), x1 = Tensor::from({1.1f});
    Tensor w1 = Tensor::from({2.2f}), b = Tensor::from({0.0f});
    w1.requires_grad_();
    b.requires_grad_();
    const Tensor z = x1 * w1 + b;
    const Tensor a = sigmoid(z);
    const Tensor loss = binary_cross_entropy(a, y);
    CHECK(loss.item() == doctest::Approx(0.0852).epsilon(5e-4));
    const auto g = grad(loss, {w1, b}, /*retain_graph=*/true);
    CHECK(g[0].item() == doctest::Approx(-0.0898).epsilon(5e-4));
    CHECK(g[1].item() == doctest::Approx(-0.0817).epsilon(5e-4));
    loss.backward();  // the same through .backward()
    CHECK(w1.grad().item() == doctest::Approx(-0.0898).epsilon(5e-4));
    CHECK(b.grad().item() == doctest::Approx(-0.0817).epsilon(5e-4));
}

TEST_CASE("A.5 NeuralNetwork(50, 3): 2213 parameters and the book's seeded numbers") {
    manual_seed(123);
    NeuralNetwork model(50, 3);
    CHECK(model.num_parameters() == 2213);
    const Tensor w = model.layers->at<Linear>(0).weight;  // [30, 50]
    CHECK(
        testing::all_close(narrow(select(w, 0, 0), 0, 0, 3), {-0.0577f, 0.0047f, -0.0702f}, 5e-5, 0)
            .ok);
    manual_seed(123);
    const Tensor X = rand({1, 50});
    const Tensor out = model.forward(X);
    CHECK(testing::all_close(out, {-0.1262f, 0.1080f, -0.1792f}, 5e-5, 0).ok);
    NoGradGuard ng;
    CHECK(
        testing::all_close(softmax(model.forward(X), 1), {0.3113f, 0.3934f, 0.2952f}, 5e-5, 0).ok);
}

TEST_CASE(
    "A.7 a typical training loop on the toy network: the book's losses, outputs and 100% accuracy") {
    auto train_ds = std::make_shared<ToyDataset>(toy_train_data());
    auto test_ds = std::make_shared<ToyDataset>(toy_test_data());
    manual_seed(123);
    DataLoader<ToyDataset> train_loader(train_ds, 2, /*shuffle=*/true, /*drop_last=*/true);
    DataLoader<ToyDataset> test_loader(test_ds, 2, false);
    manual_seed(123);
    NeuralNetwork model(2, 2);
    const auto losses = train(model, train_loader, 3, 0.5f);
    const std::vector<float> book{0.75f, 0.65f, 0.44f,
                                  0.13f, 0.03f, 0.00f};  // printed with 2 decimals
    REQUIRE(losses.size() == book.size());
    for (size_t i = 0; i < book.size(); ++i) CHECK(std::fabs(losses[i] - book[i]) <= 0.005 + 1e-6);
    model.eval();
    NoGradGuard ng;
    const Tensor outputs = model.forward(train_ds->features);
    CHECK(testing::all_close(outputs,
                             {2.8569f, -4.1618f, 2.5382f, -3.7548f, 2.0944f, -3.1820f, -1.4814f,
                              1.4816f, -1.7176f, 1.7342f},
                             5e-4, 0)
              .ok);
    CHECK(compute_accuracy(model, train_loader) == 1.0);  // drop_last: 4 of the 5 examples
    CHECK(compute_accuracy(model, test_loader) == 1.0);
}

TEST_CASE("A.8 saving and loading: a reloaded model computes the same outputs") {
    manual_seed(7);
    NeuralNetwork a(2, 2), b(2, 2);
    const auto path = std::filesystem::temp_directory_path() / "appendix_a_model.safetensors";
    save_safetensors(path, a.state_dict());
    const auto st = load_safetensors(path);
    b.load_state_dict(st.tensors);
    NoGradGuard ng;
    const Tensor x = Tensor::from({{0.5f, -1.0f}});
    CHECK(a.forward(x).to_vector() == b.forward(x).to_vector());
    std::filesystem::remove(path);
}

TEST_CASE("A.2.3 the same product through xtensor-blas's xt::linalg::dot as through our matmul") {
    Generator g(5);
    const Tensor a = randn({7, 13}, g), b = randn({13, 5}, g);
    const auto r =
        testing::all_close(matmul_with_xtensor_blas(a, b), matmul(a, b).to_vector(), 1e-6, 1e-6);
    CHECK_MESSAGE(r.ok, r.message);
    CHECK(matmul_with_xtensor_blas(a, b).shape() == Shape{7, 5});
    CHECK_THROWS_AS(matmul_with_xtensor_blas(a, a), ShapeError);
}
