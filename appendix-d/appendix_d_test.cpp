// Appendix D's pieces on a small GPT: find_highest_gradient against gradients
// set by hand, and train_model's schedule and clipping step by step.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "autograd.hpp"
#include "error.hpp"
#include "gradient_clipping.hpp"
#include "ops.hpp"
#include "random.hpp"
#include "train.hpp"
#include "train_model.hpp"

using namespace llm;
using namespace llm::appendix_d;

namespace {

ch04::GPTConfig small_config() {
    ch04::GPTConfig cfg;
    cfg.vocab_size = 50257;
    cfg.context_length = 16;
    cfg.emb_dim = 64;
    cfg.n_heads = 2;
    cfg.n_layers = 1;
    cfg.drop_rate = 0.0f;
    cfg.qkv_bias = false;
    return cfg;
}

const char* kText =
    "I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it "
    "was no great surprise to me to hear that, in the height of his glory, he had dropped his "
    "painting, married a rich widow, and established himself in a villa on the Riviera. (Though I "
    "rather thought it would have been Rome or Florence.) The height of his glory--that was what "
    "the women called it. I can hear Mrs. Gideon Thwing--his last Chicago sitter--deploring his "
    "unaccountable abdication.";

double l2_norm_of_grads(ch04::GPTModel& m) {
    double s = 0;
    for (const Tensor& p : m.parameters()) {
        const Tensor g = p.grad();
        if (!g.defined()) continue;
        for (int64_t i = 0; i < g.numel(); ++i) s += double(g.data()[i]) * g.data()[i];
    }
    return std::sqrt(s);
}

struct Run {
    TrainModelResult r;
    double last_grad_norm;
};

// Runs train_model on the small GPT; the output lines are printed (doctest
// shows them only on failure).
Run run(int64_t n_epochs, int64_t warmup_steps, double peak_lr) {
    manual_seed(123);
    ch04::GPTModel m(small_config());
    manual_seed(123);
    const auto tl = ch02::create_dataloader_v1(kText, 2, 16, 16, true, true);
    const auto vl = ch02::create_dataloader_v1(kText, 2, 16, 16, false, false);
    AdamW opt(m.parameters(), static_cast<float>(peak_lr), 0.1f);
    Run out{train_model(m, tl, vl, opt, n_epochs, 1, 1, "I HAD", ch02::gpt2_tokenizer(),
                        warmup_steps, 1e-5, 1e-6),
            0};
    out.last_grad_norm = l2_norm_of_grads(m);
    CHECK(opt.lr == doctest::Approx(peak_lr));  // the optimizer's rate is given back
    return out;
}

}  // namespace

TEST_CASE("find_highest_gradient is the largest signed gradient entry over all parameters") {
    manual_seed(1);
    ch04::GPTModel m(small_config());
    CHECK_THROWS_AS(find_highest_gradient(m), ValueError);  // no gradients yet
    auto params = m.parameters();
    // gradients by hand: every entry -5 (so the largest is negative), then one 0.25 and one 0.5
    for (auto& p : params) (sum(p) * -5.0f).backward();  // d/dp of -5 * sum(p) = -5
    CHECK(find_highest_gradient(m).item() == -5.0f);
    Tensor first = params[0].grad(), last = params.back().grad();
    first.data()[3] = 0.25f;
    last.data()[0] = 0.5f;
    CHECK(find_highest_gradient(m).item() == 0.5f);
    CHECK(find_highest_gradient(m).dim() == 0);
}

TEST_CASE(
    "train_model: warmup then cosine decay, one rate per step, the same function as chapter 5") {
    const Run a = run(3, 4, 1e-3);
    const int64_t total = static_cast<int64_t>(a.r.track_lrs.size());
    REQUIRE(total >= 9);  // 3 epochs of at least 3 batches
    for (int64_t s = 0; s < total; ++s) {
        const double expected = s < 4 ? 1e-5 + static_cast<double>(s) * (1e-3 - 1e-5) / 4
                                      : 1e-6 +
                (1e-3 - 1e-6) * 0.5 *
                    (1 +
                     std::cos(std::numbers::pi * static_cast<double>(s - 4) /
                              static_cast<double>(total - 4)));
        CHECK(a.r.track_lrs[static_cast<size_t>(s)] == doctest::Approx(expected).epsilon(1e-7));
    }
    // eval_freq 1: one evaluation per step, each with the tokens seen so far
    // (the peak is the optimizer's float rate, so the rates agree to float precision)
    CHECK(a.r.train_losses.size() == static_cast<size_t>(total));
    CHECK(a.r.track_tokens_seen.front() == 2 * 16);
    CHECK(a.r.track_tokens_seen.back() == static_cast<double>(total * 2 * 16));
}

TEST_CASE(
    "train_model clips from the step where warmup ends (the corrected condition), not one later") {
    // One epoch; warmup as long as the epoch: no step is clipped, and this
    // model's last gradients are larger than 1 (else the test shows nothing).
    const Run unclipped = run(1, 1000, 1e-3);
    const int64_t steps = static_cast<int64_t>(unclipped.r.track_lrs.size());
    REQUIRE(unclipped.last_grad_norm > 1.5);
    // Warmup ends at the last step: the corrected >= clips it, the printed
    // book's > would not.
    const Run last_clipped = run(1, steps - 1, 1e-3);
    CHECK(last_clipped.last_grad_norm <= 1.0 + 1e-5);
}
