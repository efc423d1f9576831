#include <doctest/doctest.h>

#include <cmath>

#include "exercises.hpp"
#include "neural_network.hpp"
#include "ops.hpp"
#include "random.hpp"

using namespace llm;
using namespace llm::appendix_a::exercises;

TEST_CASE("Exercise A.3: parameters of NeuralNetwork") {
    CHECK(count_parameters(2, 2) == 752);  // the book's answer
    CHECK(count_parameters(50, 3) == 2213);  // the count printed in section A.5
    CHECK(count_parameters(7, 4) == appendix_a::NeuralNetwork(7, 4).num_parameters());
}

TEST_CASE("Exercise A.4: a naive matmul agrees with BLAS") {
    Generator gen(42);
    const Tensor a = rand({37, 19}, gen), b = rand({19, 23}, gen);
    const Tensor c = matmul(a, b);
    const auto mine = naive_matmul(a.to_vector(), b.to_vector(), 37, 19, 23);
    REQUIRE(mine.size() == static_cast<size_t>(c.numel()));
    double worst = 0;
    for (size_t i = 0; i < mine.size(); ++i)
        worst = std::max(worst, static_cast<double>(std::fabs(mine[i] - c.data()[i])));
    CHECK(worst < 1e-4);
}
