// Expected values from the book: exercise 3.1's printed rows
// ([-0.5337, -0.1051] first, with SelfAttention_v2 seeded 123), and the
// GPT-2 attention parameter count 2,360,064 of chapter 4
// (3 x 768 x 768 + 768 x 768 + 768).
#include <doctest/doctest.h>

#include "exercises.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "simplified_attention.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch03;
using namespace llm::ch03::exercises;

TEST_CASE("Exercise 3.1: comparing SelfAttention_v1 and SelfAttention_v2") {
    manual_seed(123);
    SelfAttention_v2 v2(3, 2);
    SelfAttention_v1 v1(3, 2);
    copy_v2_weights_into_v1(v2, v1);
    const Tensor a = v1.forward(book_inputs()), b = v2.forward(book_inputs());
    CHECK(testing::all_close(a, b.to_vector(), 1e-6, 1e-6).ok);
    CHECK(testing::all_close(narrow(a, 0, 0, 1), {-0.5337f, -0.1051f}, 5e-5, 0).ok);
}

TEST_CASE("Exercise 3.2: returning two-dimensional embedding vectors") {
    auto w = two_dimensional_wrapper();
    REQUIRE(w);
    const Tensor batch = cat({book_inputs().unsqueeze(0), book_inputs().unsqueeze(0)}, 0);
    CHECK(w->forward(batch).shape() == Shape{2, 6, 2});
    CHECK(w->heads->size() == 2);
}

TEST_CASE("Exercise 3.3: initialising GPT-2 size attention modules") {
    auto m = gpt2_size_attention();
    REQUIRE(m);
    CHECK(m->num_heads == 12);
    CHECK(m->head_dim == 64);
    CHECK(m->context_length == 1024);
    CHECK(m->num_parameters() == 2360064);
}
