// Chapter 5's printed numbers: the toy decoding examples, the untrained
// model's losses on the-verdict, and checkpoints that round-trip and resume.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "autograd.hpp"
#include "checkpoint.hpp"
#include "decoding.hpp"
#include "error.hpp"
#include "generate.hpp"
#include "gpt2_weights.hpp"
#include "loss.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "text_ids.hpp"
#include "train.hpp"

using namespace llm;
using namespace llm::ch05;
namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kToyVocab{"closer", "every", "effort", "forward", "inches",
                                         "moves",  "pizza", "toward", "you"};
const std::vector<float> kToyLogits{4.51f,  0.89f,  -1.90f, 6.75f, 1.63f,
                                    -1.62f, -1.89f, 6.28f,  1.79f};

ch04::GPTConfig tiny_config() {
    ch04::GPTConfig c;
    c.context_length = 16;
    c.emb_dim = 16;
    c.n_heads = 2;
    c.n_layers = 2;
    c.drop_rate = 0.1f;
    return c;
}
std::pair<std::string, std::string> verdict_split() {
    const std::string text = read_file(data_dir() / "the-verdict.txt");
    const size_t split =
        static_cast<size_t>(0.9 * static_cast<double>(text.size()));  // ASCII: characters = bytes
    return {text.substr(0, split), text.substr(split)};
}
}  // namespace

TEST_CASE("5.3 the toy vocabulary: argmax 'forward', top-3 and its masked softmax, temperature 5") {
    const auto best = std::max_element(kToyLogits.begin(), kToyLogits.end()) - kToyLogits.begin();
    CHECK(kToyVocab[static_cast<size_t>(best)] == "forward");
    const auto masked = top_k_filter(kToyLogits, 3);
    const std::vector<float> kept{masked[3], masked[7], masked[0]};
    CHECK(kept == std::vector<float>{6.75f, 6.28f, 4.51f});
    const auto p = softmax_with_temperature(masked, 1.0f);
    const std::vector<float> book{0.0615f, 0, 0, 0.5775f, 0, 0, 0, 0.3610f, 0};
    for (size_t i = 0; i < p.size(); ++i)
        CHECK(p[i] == doctest::Approx(book[i]).epsilon(0).scale(1).epsilon(5e-5));
    CHECK(softmax_with_temperature(kToyLogits, 5.0f)[6] ==
          doctest::Approx(0.0430).epsilon(0.0012));  // "pizza"
}

TEST_CASE(
    "top-p keeps the smallest most-probable set reaching p; repetition penalty pushes seen tokens down") {
    const auto probs =
        softmax_with_temperature(kToyLogits, 1.0f);  // forward 0.57, toward 0.36, closer 0.06 ...
    auto kept = [](const std::vector<float>& l) {
        int n = 0;
        for (float v : l) n += std::isfinite(v);
        return n;
    };
    CHECK(kept(top_p_filter(kToyLogits, 0.5f)) == 1);
    CHECK(kept(top_p_filter(kToyLogits, 0.9f)) == 2);
    CHECK(kept(top_p_filter(kToyLogits, 0.95f)) == 3);
    CHECK(kept(top_p_filter(kToyLogits, 1.0f)) == 9);
    CHECK(probs[3] + probs[7] >= 0.9f);
    const auto pen = apply_repetition_penalty(kToyLogits, {3, 2, 3}, 2.0f);
    CHECK(pen[3] == doctest::Approx(6.75 / 2));
    CHECK(pen[2] == doctest::Approx(-1.90 * 2));
    CHECK(pen[0] == kToyLogits[0]);
    CHECK_THROWS_AS(top_p_filter(kToyLogits, 0.0f), ValueError);
    CHECK_THROWS_AS(top_k_filter(kToyLogits, 0), ValueError);
}

TEST_CASE("5.3.1 multinomial sampling: the book's counts over 1000 draws with seed 123") {
    const auto p = softmax_with_temperature(kToyLogits, 1.0f);
    manual_seed(123);
    std::map<int64_t, int> counts;
    for (int i = 0; i < 1000; ++i) ++counts[multinomial(Tensor::from(p, {9}), 1).data[0]];
    // the book prints: 73 x closer, 0 x every, 0 x effort, 582 x forward, 2 x inches,
    // 0 x moves, 0 x pizza, 343 x toward (PyTorch's multinomial, seed 123)
    const std::vector<int> book{73, 0, 0, 582, 2, 0, 0, 343, 0};
    for (int64_t k = 0; k < 9; ++k) CHECK(counts[k] == book[static_cast<size_t>(k)]);
}

TEST_CASE(
    "5.1.3 the untrained model's losses on the-verdict (seed 123, context 256): 10.98758 and 10.98110") {
    const auto [train_text, val_text] = verdict_split();
    ch04::GPTConfig cfg;
    cfg.context_length = 256;
    manual_seed(123);
    ch04::GPTModel model(cfg);
    model.eval();
    manual_seed(123);
    const auto train_loader = ch02::create_dataloader_v1(train_text, 2, 256, 256, true, true);
    const auto val_loader = ch02::create_dataloader_v1(val_text, 2, 256, 256, false, false);
    CHECK(train_loader.size() == 9);
    CHECK(val_loader.size() == 1);
    NoGradGuard ng;
    CHECK(calc_loss_loader(train_loader, model) == doctest::Approx(10.98758).epsilon(2e-6));
    CHECK(calc_loss_loader(val_loader, model) == doctest::Approx(10.98110).epsilon(2e-6));
}

TEST_CASE(
    "5.2 train_model_simple, GPT_CONFIG_124M on the-verdict: the book's first two evaluations, digit for digit") {
    // The book's setup (seed 123 before the loaders and before the model,
    // AdamW 4e-4 / 0.1, batch 2 x 256, eval every 5 steps on 5 batches),
    // one epoch of it: 9 steps. Every kernel of the training step is on
    // this path, so a speed-up that changes a result shows here.
    const auto [train_text, val_text] = verdict_split();
    ch04::GPTConfig cfg;
    cfg.context_length = 256;
    manual_seed(123);
    const auto train_loader = ch02::create_dataloader_v1(train_text, 2, 256, 256, true, true);
    const auto val_loader = ch02::create_dataloader_v1(val_text, 2, 256, 256, false, false);
    manual_seed(123);
    ch04::GPTModel model(cfg);
    AdamW optimizer(model.parameters(), 4e-4f, 0.1f);
    TrainOptions o;
    o.num_epochs = 1;
    o.sample_tokens = 1;
    std::vector<std::string> lines;
    o.print = [&](const std::string& line) { lines.push_back(line); };
    const auto r =
        train_model_simple(model, train_loader, val_loader, optimizer, ch02::gpt2_tokenizer(), o);
    CHECK(r.steps == 9);
    auto printed = [&](const std::string& want) {
        return std::find(lines.begin(), lines.end(), want) != lines.end();
    };
    CHECK(printed("Ep 1 (Step 000000): Train loss 9.781, Val loss 9.933"));
    CHECK(printed("Ep 1 (Step 000005): Train loss 8.111, Val loss 8.339"));
    for (const auto& l : lines) MESSAGE(l);
}

TEST_CASE(
    "a checkpoint round-trips: same names as the book's state_dict, configuration in the metadata") {
    const auto dir = fs::temp_directory_path() / "llm_ckpt_roundtrip";
    manual_seed(5);
    ch04::GPTModel a(tiny_config());
    fs::create_directories(dir);
    save_model(a, dir / "model.safetensors");
    auto b = load_model(dir / "model.safetensors");
    CHECK(b->cfg.emb_dim == 16);
    a.eval();
    b->eval();
    NoGradGuard ng;
    const IntTensor ids({1, 5}, {1, 2, 3, 4, 5});
    CHECK(a.forward(ids).to_vector() == b->forward(ids).to_vector());
    const auto st = load_safetensors(dir / "model.safetensors");
    CHECK(st.tensors.count("trf_blocks.1.att.W_query.weight"));
    CHECK(st.tensors.count("trf_blocks.0.att.mask"));  // the book's state_dict has the mask buffers
    CHECK(st.tensors.count("out_head.weight"));
    fs::remove_all(dir);
}

TEST_CASE("resuming from an interrupted run continues exactly as the uninterrupted run") {
    const auto [train_text, val_text] = verdict_split();
    ch04::GPTConfig cfg = tiny_config();
    auto make = [&](std::unique_ptr<ch04::GPTModel>& m, std::unique_ptr<AdamW>& opt) {
        manual_seed(123);
        m = std::make_unique<ch04::GPTModel>(cfg);
        opt = std::make_unique<AdamW>(m->parameters(), 4e-4f, 0.1f);
    };
    TrainOptions o;
    o.num_epochs = 2;
    o.eval_freq = 7;
    o.eval_iter = 2;
    o.sample_tokens = 0;
    o.print = [](const std::string&) {};
    const auto& tok = ch02::gpt2_tokenizer();

    const auto tl = ch02::create_dataloader_v1(train_text, 4, 16, 16, true, true);
    const auto vl = ch02::create_dataloader_v1(val_text, 4, 16, 16, false, false);
    std::unique_ptr<ch04::GPTModel> m1;
    std::unique_ptr<AdamW> opt1;
    make(m1, opt1);
    manual_seed(123);
    const auto full = train_model_simple(*m1, tl, vl, *opt1, tok, o);
    CHECK(!full.train_losses.empty());

    std::unique_ptr<ch04::GPTModel> m2;
    std::unique_ptr<AdamW> opt2;
    make(m2, opt2);
    manual_seed(123);
    const auto dir = fs::temp_directory_path() / "llm_resume_test";
    auto first = o;
    first.checkpoint_dir = dir;
    int evals = 0;  // Ctrl-C during the second evaluation's step (step 7 of 9 in epoch 1)
    first.print = [&](const std::string& line) {
        if (line.rfind("Ep", 0) == 0 && ++evals == 2) request_interrupt();
    };
    const auto part = train_model_simple(*m2, tl, vl, *opt2, tok, first);
    REQUIRE(part.interrupted);
    CHECK(part.final_state.global_step == 7);

    // a fresh start: new model and optimizer, everything else from the files
    std::unique_ptr<ch04::GPTModel> m3;
    std::unique_ptr<AdamW> opt3;
    make(m3, opt3);
    manual_seed(999);  // whatever the generator holds now is replaced by the checkpoint's state
    const TrainingState state = load_checkpoint(*m3, *opt3, dir);
    CHECK(state.global_step == 7);
    const auto rest = train_model_simple(*m3, tl, vl, *opt3, tok, o, &state);
    CHECK(!rest.interrupted);
    CHECK(rest.train_losses == full.train_losses);
    CHECK(rest.val_losses == full.val_losses);
    CHECK(rest.final_state.tokens_seen == full.final_state.tokens_seen);
    const auto p1 = m1->parameters(), p3 = m3->parameters();
    bool identical = true;
    for (size_t i = 0; i < p1.size(); ++i)
        identical = identical && p1[i].to_vector() == p3[i].to_vector();
    CHECK_MESSAGE(identical, "weights after resuming differ from the uninterrupted run");
    fs::remove_all(dir);
}

TEST_CASE("a NaN loss stops training with the step number") {
    const auto [train_text, val_text] = verdict_split();
    manual_seed(1);
    ch04::GPTModel m(tiny_config());
    m.final_norm->scale.data()[0] = NAN;
    AdamW opt(m.parameters(), 1e-3f, 0.1f);
    const auto tl = ch02::create_dataloader_v1(train_text, 2, 16, 16, false, true);
    const auto vl = ch02::create_dataloader_v1(val_text, 2, 16, 16, false, false);
    TrainOptions o;
    o.print = [](const std::string&) {};
    CHECK_THROWS_WITH_AS(train_model_simple(m, tl, vl, opt, ch02::gpt2_tokenizer(), o),
                         doctest::Contains("NaN at step 0"), ValueError);
}

TEST_CASE("determinism: the same seed gives bitwise-identical training losses run to run") {
    const auto [train_text, val_text] = verdict_split();
    auto run = [&] {
        manual_seed(123);
        ch04::GPTModel m(tiny_config());
        AdamW opt(m.parameters(), 4e-4f, 0.1f);
        const auto tl = ch02::create_dataloader_v1(train_text, 4, 16, 16, true, true);
        const auto vl = ch02::create_dataloader_v1(val_text, 4, 16, 16, false, false);
        TrainOptions o;
        o.num_epochs = 1;
        o.eval_freq = 3;
        o.eval_iter = 2;
        o.sample_tokens = 0;
        o.print = [](const std::string&) {};
        return train_model_simple(m, tl, vl, opt, ch02::gpt2_tokenizer(), o).train_losses;
    };
    const auto a = run(), b = run();
    CHECK(!a.empty());
    CHECK(a == b);
}

TEST_CASE("appendix D: linear warmup then cosine decay, with gradient clipping") {
    const auto [train_text, val_text] = verdict_split();
    manual_seed(123);
    ch04::GPTModel m(tiny_config());
    AdamW opt(m.parameters(), 1e-3f, 0.1f);
    const auto tl = ch02::create_dataloader_v1(train_text, 16, 16, 16, true, true);
    const auto vl = ch02::create_dataloader_v1(val_text, 16, 16, 16, false, false);
    TrainOptions o;
    o.num_epochs = 2;
    o.eval_freq = 100;
    o.eval_iter = 1;
    o.sample_tokens = 0;
    o.schedule.warmup_steps = 4;
    o.schedule.initial_lr = 1e-4;
    o.schedule.cosine_decay = true;
    o.schedule.min_lr = 1e-5;
    o.max_grad_norm = 1.0f;
    o.print = [](const std::string&) {};
    const auto r = train_model_simple(m, tl, vl, opt, ch02::gpt2_tokenizer(), o);
    const int64_t total = 2 * tl.size();
    REQUIRE(r.track_lrs.size() == static_cast<size_t>(total));
    for (int64_t s = 0; s < total; ++s) {
        double expected;
        if (s < 4)
            expected = 1e-4 + s * (1e-3 - 1e-4) / 4;  // linear warmup
        else
            expected = 1e-5 +
                (1e-3 - 1e-5) * 0.5 *
                    (1 + std::cos(3.14159265358979 * (s - 4) / static_cast<double>(total - 4)));
        CHECK(r.track_lrs[static_cast<size_t>(s)] == doctest::Approx(expected).epsilon(1e-6));
    }
    CHECK(r.track_lrs.back() ==
          doctest::Approx(
              1e-5 +
              (1e-3 - 1e-5) * 0.5 *
                  (1 + std::cos(3.14159265358979 * (total - 5) / static_cast<double>(total - 4)))));
    CHECK(opt.lr == doctest::Approx(1e-3));  // the peak learning rate is restored afterwards
    CHECK(grad_norm(m.parameters()) <= 1.0 + 1e-4);  // the last step's gradients were clipped
}

TEST_CASE("appendix D: get_lr is the schedule as a pure function of the step") {
    TrainOptions o;
    o.schedule.warmup_steps = 20;
    o.schedule.initial_lr = 1e-4;
    o.schedule.cosine_decay = true;
    o.schedule.min_lr = 1e-5;
    const double peak = 1e-2;
    const int64_t total = 120;
    CHECK(get_lr(0, peak, total, o.schedule) == doctest::Approx(1e-4));  // starts at initial_lr
    CHECK(get_lr(10, peak, total, o.schedule) ==
          doctest::Approx(1e-4 + 10 * (peak - 1e-4) / 20));  // linear
    CHECK(get_lr(20, peak, total, o.schedule) ==
          doctest::Approx(peak));  // the peak when warmup ends
    CHECK(get_lr(70, peak, total, o.schedule) ==
          doctest::Approx((peak + 1e-5) / 2));  // half way down the cosine
    CHECK(get_lr(120, peak, total, o.schedule) == doctest::Approx(1e-5));  // min_lr at the end
    o.schedule.cosine_decay = false;
    CHECK(get_lr(70, peak, total, o.schedule) == peak);  // warmup only: constant afterwards
}

namespace {
// Beam search written plainly: every beam runs the whole model on its cropped
// text each step (no caches). The cached beam_search must choose the same.
std::vector<int64_t> plain_beam_search(ch04::GPTModel& model, std::vector<int64_t> prompt,
                                       int64_t steps, int64_t context_size, int64_t num_beams) {
    struct Beam {
        std::vector<int64_t> ids;
        double score;
    };
    std::vector<Beam> beams{{std::move(prompt), 0.0}};
    NoGradGuard ng;
    for (int64_t s = 0; s < steps; ++s) {
        std::vector<Beam> next;
        for (const Beam& b : beams) {
            const IntTensor cond = ch04::crop_last(
                IntTensor({1, static_cast<int64_t>(b.ids.size())}, b.ids), context_size);
            const Tensor logp =
                log_softmax(select(select(model.forward(cond), 0, 0), 0, cond.shape[1] - 1), 0);
            std::vector<int64_t> order(static_cast<size_t>(logp.numel()));
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(
                order.begin(), order.begin() + num_beams, order.end(),
                [&](int64_t x, int64_t y) { return logp.data()[x] > logp.data()[y]; });
            for (int64_t k = 0; k < num_beams; ++k) {
                Beam nb = b;
                nb.ids.push_back(order[static_cast<size_t>(k)]);
                nb.score += logp.data()[order[static_cast<size_t>(k)]];
                next.push_back(std::move(nb));
            }
        }
        std::stable_sort(next.begin(), next.end(),
                         [](const Beam& x, const Beam& y) { return x.score > y.score; });
        next.resize(static_cast<size_t>(num_beams));
        beams = std::move(next);
    }
    return beams[0].ids;
}
}  // namespace

TEST_CASE(
    "beam search on the cached decoder picks what the plain, uncached search picks; one beam is greedy") {
    const ch04::GPTConfig c{.vocab_size = 30,
                            .context_length = 10,
                            .emb_dim = 16,
                            .n_heads = 2,
                            .n_layers = 2,
                            .drop_rate = 0.0f};
    manual_seed(21);
    ch04::GPTModel model(c);
    model.eval();
    const IntTensor prompt({1, 4}, {3, 14, 15, 9});
    for (const int64_t context_size :
         {int64_t{10}, int64_t{6}}) {  // 6: the window slides while searching
        INFO("context_size " << context_size);
        for (const int64_t beams : {int64_t{2}, int64_t{4}}) {
            INFO(beams << " beams");
            CHECK(beam_search(model, prompt, 9, context_size, beams).data ==
                  plain_beam_search(model, prompt.data, 9, context_size, beams));
        }
        CHECK(beam_search(model, prompt, 9, context_size, 1).data ==
              ch04::generate_text_simple(model, prompt, 9, context_size).data);
    }
}
