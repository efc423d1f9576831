// Expected values from the book: 4,722,432 and 2,360,064 parameters per
// block (exercise 4.1); 406,212,608 / 838,220,800 / 1,637,792,000
// parameters for GPT-2 medium / large / XL (exercise 4.2), whose sizes
// follow as 4 bytes each.
#include <doctest/doctest.h>

#include "exercises.hpp"
#include "autograd.hpp"
#include "random.hpp"

using namespace llm;
using namespace llm::ch04;
using namespace llm::ch04::exercises;

TEST_CASE("Exercise 4.1: feed-forward versus attention parameters") {
    const auto [ff, att] = feed_forward_and_attention_parameters(GPT_CONFIG_124M());
    CHECK(ff == 4722432);
    CHECK(att == 2360064);
}

TEST_CASE("Exercise 4.2: initialising larger GPT models") {
    CHECK(count_parameters(larger_gpt2_config("medium")) == 406212608);
    CHECK(count_parameters(larger_gpt2_config("large")) == 838220800);
    CHECK(count_parameters(larger_gpt2_config("xl")) == 1637792000);
    CHECK(megabytes(406212608) == doctest::Approx(406212608 * 4.0 / 1048576));
}

TEST_CASE("Exercise 4.3: using separate dropout parameters") {
    GPTConfig c;
    c.vocab_size = 30;
    c.context_length = 8;
    c.emb_dim = 8;
    c.n_heads = 2;
    c.n_layers = 2;
    c.drop_rate = 0.1f;
    manual_seed(1);
    auto m = model_with_separate_dropout(c, 0.1f, 0.2f, 0.3f);
    REQUIRE(m);
    CHECK(m->drop_emb->p == doctest::Approx(0.1));
    for (size_t i = 0; i < m->trf_blocks->size(); ++i) {
        auto& b = m->trf_blocks->at<TransformerBlock>(i);
        CHECK(b.drop_shortcut->p == doctest::Approx(0.2));
        CHECK(b.att->dropout->p == doctest::Approx(0.3));
    }
    // all three at zero: training mode gives the same logits as eval mode
    auto z = model_with_separate_dropout(c, 0.0f, 0.0f, 0.0f);
    NoGradGuard ng;
    const IntTensor ids({1, 4}, {1, 2, 3, 4});
    z->train();
    const auto a = z->forward(ids).to_vector();
    z->eval();
    CHECK(a == z->forward(ids).to_vector());
}
