#include <doctest/doctest.h>

#include <cmath>

#include "error.hpp"
#include "ops.hpp"
#include "block_pool.hpp"
#include "storage.hpp"
#include "tensor.hpp"

using namespace llm;

TEST_CASE("creation and shapes") {
    CHECK(Tensor::zeros({2, 3}).numel() == 6);
    CHECK(Tensor::arange(5).to_vector() == std::vector<float>{0, 1, 2, 3, 4});
    const Tensor t = Tensor::from({{1, 2, 3}, {4, 5, 6}});
    CHECK(t.shape() == Shape{2, 3});
    CHECK(t.at({1, 2}) == 6);
    CHECK(t.view({3, -1}).shape() == Shape{3, 2});
    CHECK(t.T().to_vector() == std::vector<float>{1, 4, 2, 5, 3, 6});
    CHECK(t.unsqueeze(0).shape() == Shape{1, 2, 3});
    CHECK(t.flatten().shape() == Shape{6});
    CHECK_THROWS_AS(t.view({4, 2}), ShapeError);
    CHECK_THROWS_AS(Tensor::from({1.0f, 2.0f}).item(), ShapeError);
}

TEST_CASE("printing follows PyTorch: 4 decimals, aligned, nested brackets") {
    // torch.tensor([[0.2996, 0.8053], [0.3061, 0.8210]]) prints like this:
    CHECK(to_string(Tensor::from({{0.2996f, 0.8053f}, {0.3061f, 0.8210f}})) ==
          "tensor([[0.2996, 0.8053],\n        [0.3061, 0.8210]])");
    // integral values print with a trailing dot, negatives align by width
    CHECK(to_string(Tensor::from({1.0f, -2.0f, 3.0f})) == "tensor([ 1., -2.,  3.])");
    Tensor w = Tensor::from({0.5f});
    w.requires_grad_();
    CHECK(to_string(w) == "tensor([0.5000], requires_grad=True)");
    CHECK(to_string(IntTensor::from({{40, 367, 2885, 1464}})) ==
          "tensor([[  40,  367, 2885, 1464]])");
}

TEST_CASE("views share data; transposes, slices and joins copy") {
    Tensor a = Tensor::arange(6).view({2, 3});
    Tensor v = a.view({3, 2});
    v.data()[0] = 42;
    CHECK(a.data()[0] == 42);
    CHECK(narrow(a, 1, 1, 2).to_vector() == std::vector<float>{1, 2, 4, 5});
    CHECK(select(a, 0, 1).to_vector() == std::vector<float>{3, 4, 5});
    auto parts = split(Tensor::arange(5), 2, 0);
    REQUIRE(parts.size() == 3);
    CHECK(parts[2].to_vector() == std::vector<float>{4});
    CHECK(cat({a, a}, 1).shape() == Shape{2, 6});
    CHECK(chunk(Tensor::arange(6), 3, 0)[1].to_vector() == std::vector<float>{2, 3});
    CHECK(tril(Tensor::ones({3, 3})).to_vector() == std::vector<float>{1, 0, 0, 1, 1, 0, 1, 1, 1});
    CHECK(triu(Tensor::ones({3, 3}), 1).to_vector() ==
          std::vector<float>{0, 1, 1, 0, 0, 1, 0, 0, 0});
}

TEST_CASE("broadcasting follows NumPy's rules") {
    const Tensor a = Tensor::from({{1, 2, 3}, {4, 5, 6}});
    CHECK((a + Tensor::from({10, 20, 30})).to_vector() ==
          std::vector<float>{11, 22, 33, 14, 25, 36});
    CHECK((a * Tensor::from({2.0f, 3.0f}).view({2, 1})).to_vector() ==
          std::vector<float>{2, 4, 6, 12, 15, 18});
    CHECK_THROWS_AS(a + Tensor::from({1, 2}), ShapeError);
    CHECK(broadcast_shapes({2, 1, 4}, {3, 1}) == Shape{2, 3, 4});
}

TEST_CASE("reductions along a dimension") {
    const Tensor a = Tensor::from({{1, 2, 3}, {4, 5, 9}});
    CHECK(sum(a, 0).to_vector() == std::vector<float>{5, 7, 12});
    CHECK(sum(a, 1, true).shape() == Shape{2, 1});
    CHECK(mean(a, -1).to_vector() == std::vector<float>{2, 6});
    CHECK(var(a, 1, false).to_vector()[0] == doctest::Approx(2.0 / 3.0));
    CHECK(var(a, 1, true).to_vector()[0] == doctest::Approx(1.0));
    CHECK(max(a, 1).to_vector() == std::vector<float>{3, 9});
    CHECK(argmax(a, 1).data == std::vector<int64_t>{2, 2});
    CHECK(argmax(a).data == std::vector<int64_t>{5});
}

TEST_CASE("masked_fill with -inf then softmax gives a causal pattern") {
    const Tensor scores = Tensor::ones({3, 3});
    const Tensor mask = triu(Tensor::ones({3, 3}), 1);
    const Tensor w = softmax(masked_fill(scores, mask, -INFINITY), -1);
    CHECK(w.to_vector() ==
          std::vector<float>{1, 0, 0, 0.5f, 0.5f, 0, 1.0f / 3, 1.0f / 3, 1.0f / 3});
}

TEST_CASE(
    "tensor memory: best fit, freed neighbours merge and serve a larger request without a new segment") {
    const size_t MB = size_t{1} << 20;
    BlockPool pool(16 * MB, 0);
    char* a = static_cast<char*>(pool.take(4 * MB));
    char* b = static_cast<char*>(pool.take(4 * MB));
    char* c = static_cast<char*>(pool.take(4 * MB));
    CHECK(pool.reserved() == 16 * MB);  // one segment holds all three
    CHECK(b == a + 4 * MB);
    CHECK(c == b + 4 * MB);
    pool.give_back(a);
    pool.give_back(b);  // merges with a: one free 8 MB hole
    CHECK(pool.in_use() == 4 * MB);
    char* both = static_cast<char*>(pool.take(8 * MB));
    CHECK(both == a);  // the hole, not the 4 MB tail after c, and no new segment
    CHECK(pool.reserved() == 16 * MB);
    char* small = static_cast<char*>(pool.take(2 * MB));
    CHECK(small == c + 4 * MB);  // best fit: the 4 MB tail
    char* big =
        static_cast<char*>(pool.take(20 * MB));  // more than a segment: a segment of its own
    CHECK(pool.reserved() == 36 * MB);
    pool.give_back(big);  // a whole idle segment, and more idle than allowed: unmapped
    CHECK(pool.reserved() == 16 * MB);
    pool.give_back(both);
    pool.give_back(small);
    pool.give_back(c);
    CHECK(pool.in_use() == 0);
}

TEST_CASE("tensor memory: release_idle unmaps the segments nothing uses, and only those") {
    const size_t MB = size_t{1} << 20;
    BlockPool pool(16 * MB, size_t{1} << 40);  // keeps everything idle until asked
    void* a = pool.take(4 * MB);
    void* big = pool.take(20 * MB);  // a segment of its own
    pool.give_back(big);
    CHECK(pool.reserved() == 36 * MB);
    CHECK(pool.release_idle() == 20 * MB);  // the idle segment goes; a's segment stays
    CHECK(pool.reserved() == 16 * MB);
    pool.give_back(a);
    CHECK(pool.release_idle() == 16 * MB);
    CHECK(pool.reserved() == 0);
    void* again = pool.take(4 * MB);  // and the pool still works
    CHECK(pool.reserved() == 16 * MB);
    pool.give_back(again);
}

TEST_CASE("copy_ copies values into a tensor of the same shape and names both shapes otherwise") {
    Tensor dst = Tensor::zeros({2, 2});
    dst.copy_(Tensor::from({{1, 2}, {3, 4}}));
    CHECK(dst.to_vector() == std::vector<float>{1, 2, 3, 4});
    try {
        dst.copy_(Tensor::zeros({4}));
        FAIL("copy_ accepted a tensor of another shape");
    } catch (const ShapeError& e) {
        CHECK(std::string(e.what()) ==
              "copy_: a tensor of shape [4] does not fit one of shape [2, 2]");
    }
}

TEST_CASE("split_axis: a shape as [outer, n, inner] around a dimension, negative dims too") {
    const auto [outer, n, inner] = split_axis({2, 3, 4, 5}, -2);
    CHECK(outer == 6);
    CHECK(n == 4);
    CHECK(inner == 5);
    CHECK_THROWS_AS(split_axis({2, 3}, 2), ShapeError);
}
