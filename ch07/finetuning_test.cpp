// Sections 7.6-7.7 against the instruction sets (the book's chapter 7 code
// run with PyTorch on a small GPT): the first training batch through the
// model (logits, the loss that skips -100 targets, every gradient), five
// AdamW steps, and a greedy response with and without an end-of-text stop,
// extracted as the book extracts it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "autograd.hpp"
#include "error.hpp"
#include "gpt_model_file.hpp"
#include "instruction_data.hpp"
#include "instruction_finetuning.hpp"
#include "loss.hpp"
#include "ops.hpp"
#include "optim.hpp"
#include "paths.hpp"
#include "prompt_styles.hpp"
#include "random.hpp"
#include "responses.hpp"
#include "safetensors.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch07;
namespace fs = std::filesystem;
using nlohmann::json;
using testing::close;

namespace {
using Rows = std::vector<std::vector<int64_t>>;
std::vector<int64_t> flat(const Rows& rows) {
    std::vector<int64_t> v;
    for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
    return v;
}
IntTensor tensor_of(const Rows& rows) {
    return IntTensor({static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())},
                     flat(rows));
}
double l2(const Tensor& t) {
    double s = 0;
    for (int64_t i = 0; i < t.numel(); ++i) s += double(t.data()[i]) * t.data()[i];
    return std::sqrt(s);
}
std::vector<float> rows_of(const Tensor& m, const std::vector<int64_t>& rows) {
    const int64_t C = m.size(1);
    std::vector<float> out;
    for (int64_t r : rows) out.insert(out.end(), m.data() + r * C, m.data() + (r + 1) * C);
    return out;
}
}  // namespace

TEST_CASE(
    "instruction sets: logits and loss of the first batch (-100 skipped), gradients, 5 AdamW steps") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Instruction)) {
        INFO("instruction set " << dir.string());
        const json e = json::parse(read_file(dir / "instruction.json"));
        const auto want_t = load_safetensors(dir / "expected.safetensors").tensors;
        const std::set<std::string> noisy(e.at("noise_dominated").at("names").begin(),
                                          e.at("noise_dominated").at("names").end());
        auto model = ch04::load_gpt_model(dir / "weights.safetensors");
        const auto& fb = e.at("first_batch");
        const IntTensor inputs = tensor_of(fb.at("inputs").get<Rows>());
        const IntTensor targets = tensor_of(fb.at("targets").get<Rows>());

        model->eval();
        {
            NoGradGuard ng;
            const Tensor logits = model->forward(inputs);  // [b, T, vocab]
            const auto& lw = e.at("logits");
            CHECK(logits.shape() == lw.at("shape").get<Shape>());
            double sum = 0, sq = 0;
            const auto n = static_cast<double>(logits.numel());
            for (int64_t i = 0; i < logits.numel(); ++i) sum += logits.data()[i];
            const double mean = sum / n;
            for (int64_t i = 0; i < logits.numel(); ++i) sq += std::pow(logits.data()[i] - mean, 2);
            CHECK(close(mean, lw.at("mean").get<double>(), 1e-6));
            CHECK(close(std::sqrt(sq / (n - 1)), lw.at("std").get<double>()));
            CHECK(argmax(logits, -1).data == flat(lw.at("argmax").get<Rows>()));
            const auto r =
                testing::all_close(select(logits, 1, -1),
                                   want_t.at("first_batch_last_logits").to_vector(), 1e-5, 1e-4);
            CHECK_MESSAGE(r.ok, r.message);
        }
        model->train();
        const Tensor loss = ch05::calc_loss_batch(inputs, targets, *model);
        CHECK_MESSAGE(close(loss.item(), e.at("loss").get<double>()), loss.item());
        loss.backward();
        double total = 0;
        for (const auto& [name, p] : model->named_parameters()) {
            REQUIRE(p.grad().defined());
            const double n = l2(p.grad());
            total += n * n;
            if (noisy.count(name)) continue;
            CHECK_MESSAGE(close(n, e.at("grad_l2_norms").at(name).get<double>()),
                          name << ": " << n);
        }
        CHECK(close(std::sqrt(total), e.at("grad_l2_norm_total").get<double>()));

        // five AdamW steps on the batch, from the initial weights
        model = ch04::load_gpt_model(dir / "weights.safetensors");
        model->train();
        const auto& o = e.at("spec").at("optimizer");
        AdamW optimizer(model->parameters(), o.at("lr").get<float>(),
                        o.at("weight_decay").get<float>(), o.at("betas")[0].get<float>(),
                        o.at("betas")[1].get<float>(), o.at("eps").get<float>());
        std::vector<double> losses;
        for (int64_t k = 0; k < o.at("steps").get<int64_t>(); ++k) {
            optimizer.zero_grad();
            const Tensor l = ch05::calc_loss_batch(inputs, targets, *model);
            losses.push_back(l.item());
            l.backward();
            optimizer.step();
        }
        {
            NoGradGuard ng;
            losses.push_back(ch05::calc_loss_batch(inputs, targets, *model).item());
        }
        const auto& aw = e.at("adamw");
        const auto want_losses = aw.at("losses").get<std::vector<double>>();
        REQUIRE(losses.size() == want_losses.size());
        for (size_t k = 0; k < losses.size(); ++k)
            CHECK_MESSAGE(close(losses[k], want_losses[k]), "loss " << k << ": " << losses[k]);
        const auto rows = aw.at("embedding_rows").get<std::vector<int64_t>>();
        for (const auto& [name, p] : model->named_parameters()) {
            INFO(name);
            const double atol = noisy.count(name) ? 1e-4 : 2e-6;
            if (!noisy.count(name))
                CHECK(close(l2(p), aw.at("param_l2_norms_after").at(name).get<double>()));
            if (want_t.count("after_adamw." + name)) {
                const auto r =
                    testing::all_close(p, want_t.at("after_adamw." + name).to_vector(), atol, 0);
                CHECK_MESSAGE(r.ok, r.message);
            } else if (want_t.count("after_adamw." + name + ".rows")) {
                const auto r = testing::all_close(
                    rows_of(p, rows), want_t.at("after_adamw." + name + ".rows").to_vector(), atol,
                    0);
                CHECK_MESSAGE(r.ok, r.message);
            }
        }
    }
}

TEST_CASE(
    "instruction sets: a greedy response to the first test entry, with and without an eos stop") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Instruction)) {
        INFO("instruction set " << dir.string());
        const json e = json::parse(read_file(dir / "instruction.json"));
        const auto& spec = e.at("spec").at("generate");
        const auto& g = e.at("generate");
        const auto data = load_instruction_data(testing::project_path(e.at("spec").at("data")));
        const Entry entry =
            split_instruction_data(data).test.at(spec.at("test_index").get<size_t>());
        const std::string input_text = format_input(entry);
        CHECK(input_text == g.at("input_text").get<std::string>());
        auto model = ch04::load_gpt_model(dir / "weights.safetensors");
        manual_seed(e.at("spec").at("seed").get<uint64_t>());
        const int64_t max_new = spec.at("max_new_tokens");
        const Generated got =
            generate_response(*model, input_text, max_new, spec.at("eos_id").get<int64_t>());
        CHECK(got.new_ids == g.at("new_ids").get<std::vector<int64_t>>());
        CHECK(got.stopped_at_eos == g.at("stopped_at_eos").get<bool>());
        CHECK(got.generated_text == g.at("generated_text").get<std::string>());
        CHECK(got.response_text == g.at("response_text").get<std::string>());

        const auto& s = e.at("generate_eos_stop");
        const Generated stop =
            generate_response(*model, input_text, max_new, s.at("eos_id").get<int64_t>());
        CHECK(stop.new_ids == s.at("new_ids").get<std::vector<int64_t>>());  // eos not appended
        CHECK(stop.stopped_at_eos);
        CHECK(stop.generated_text == s.at("generated_text").get<std::string>());
        CHECK(stop.response_text == s.at("response_text").get<std::string>());
    }
}

TEST_CASE(
    "extract_response removes the prompt and the response marker, then surrounding whitespace") {
    CHECK(extract_response("PROMPT\n\n### Response:\n The answer. \n", "PROMPT") == "The answer.");
    CHECK(extract_response("PROMPT", "PROMPT").empty());
    CHECK_THROWS_AS(extract_response("other", "PROMPT"), ValueError);
}

TEST_CASE("an interrupted instruction finetuning resumes exactly as the uninterrupted run") {
    // The shipped data, a tiny GPT with dropout (so the generator's state
    // matters), 2 epochs of 6 batches; Ctrl-C at the second evaluation.
    const auto split =
        split_instruction_data(load_instruction_data(data_dir() / "instruction-data.json"));
    ch04::GPTConfig cfg;
    cfg.context_length = 128;
    cfg.emb_dim = 16;
    cfg.n_heads = 2;
    cfg.n_layers = 1;
    cfg.drop_rate = 0.1f;
    cfg.qkv_bias = true;
    const fs::path dir =
        fs::temp_directory_path() / ("llm_ch07_resume_" + std::to_string(getpid()));
    fs::create_directories(dir);
    FinetuneSettings s;
    s.num_epochs = 2;
    s.max_steps = 6;
    s.lr = 1e-3f;
    s.print = [](const std::string&) {};
    auto fresh = [&] {
        manual_seed(123);
        return std::make_unique<ch04::GPTModel>(cfg);
    };
    auto full_model = fresh();
    const auto full =
        finetune_instructions(*full_model, make_instruction_loaders(split, PromptStyle::Alpaca),
                              "Every effort moves you", s, dir);
    REQUIRE(full.train_losses.size() == 3);  // steps 0, 5 and 10

    auto part_model = fresh();
    auto first = s;
    first.checkpoint_dir = dir / "checkpoint";
    int evals = 0;
    first.print = [&](const std::string& line) {
        if (line.rfind("Ep", 0) == 0 && ++evals == 2) ch05::request_interrupt();
    };
    const auto part =
        finetune_instructions(*part_model, make_instruction_loaders(split, PromptStyle::Alpaca),
                              "Every effort moves you", first, dir);
    REQUIRE(part.interrupted);
    CHECK(part.final_state.global_step == 5);

    auto resumed_model = fresh();
    manual_seed(999);  // replaced by the checkpoint's generator
    auto again = s;
    again.resume = dir / "checkpoint";
    const auto rest =
        finetune_instructions(*resumed_model, make_instruction_loaders(split, PromptStyle::Alpaca),
                              "Every effort moves you", again, dir);
    CHECK(!rest.interrupted);
    CHECK(rest.train_losses == full.train_losses);
    CHECK(rest.val_losses == full.val_losses);
    const auto a = full_model->parameters(), b = resumed_model->parameters();
    bool identical = true;
    for (size_t i = 0; i < a.size(); ++i)
        identical = identical && a[i].to_vector() == b[i].to_vector();
    CHECK_MESSAGE(identical, "weights after resuming differ from the uninterrupted run");
    fs::remove_all(dir);
}
