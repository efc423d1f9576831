// Appendix E against the LoRA sets (the book's LoRA code run with PyTorch on
// a small classifier): which layers are swapped and their state_dict names,
// A and B as drawn, the logits and loss, the LoRA gradients (and none for the
// frozen base), five AdamW steps in both scalings; then merging, and LoRA's
// gradients against finite differences.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "autograd.hpp"
#include "classifier.hpp"
#include "error.hpp"
#include "lora.hpp"
#include "ops.hpp"
#include "optim.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "testing.hpp"

using namespace llm;
using namespace llm::ch06;
using namespace llm::appendix_e;
namespace fs = std::filesystem;
using nlohmann::json;
using testing::close;

namespace {

double l2(const Tensor& t) {
    double s = 0;
    for (int64_t i = 0; i < t.numel(); ++i) s += double(t.data()[i]) * t.data()[i];
    return std::sqrt(s);
}

// The set's model as its README says: the classifier with its 2-class head,
// everything frozen, manual_seed, then replace_linear_with_lora.
std::unique_ptr<GPTModel> lora_model(const fs::path& dir, const json& spec, LoRAScaling scaling) {
    auto model = load_classifier(dir / "weights.safetensors");
    model->eval();
    for (Tensor p : model->parameters()) p.requires_grad_(false);
    manual_seed(spec.at("seed").get<uint64_t>());
    replace_linear_with_lora(*model, spec.at("rank").get<int64_t>(), spec.at("alpha").get<double>(),
                             scaling);
    return model;
}

std::vector<std::string> names_of(const std::vector<std::pair<std::string, Tensor>>& named) {
    std::vector<std::string> names;
    for (const auto& [n, t] : named) names.push_back(n);
    return names;
}

// Five AdamW steps on one batch (train mode), as the set's spec; the losses
// before each step and after the last.
std::vector<double> adamw_steps(GPTModel& model, const json& o, const SpamDataset::Batch& batch) {
    model.train();
    AdamW optimizer(model.parameters(), o.at("lr").get<float>(), o.at("weight_decay").get<float>(),
                    o.at("betas")[0].get<float>(), o.at("betas")[1].get<float>(),
                    o.at("eps").get<float>());
    std::vector<double> losses;
    for (int64_t k = 0; k < o.at("steps").get<int64_t>(); ++k) {
        optimizer.zero_grad();
        const Tensor loss = calc_loss_batch(batch.input_batch, batch.target_batch, model);
        losses.push_back(loss.item());
        loss.backward();
        optimizer.step();
    }
    NoGradGuard ng;
    losses.push_back(calc_loss_batch(batch.input_batch, batch.target_batch, model).item());
    return losses;
}

}  // namespace

TEST_CASE(
    "LoRA sets: swapped layers and names, A and B, logits, loss, gradients, 5 AdamW steps in both scalings, merging") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Lora)) {
        INFO("LoRA set " << dir.string());
        const json e = json::parse(read_file(dir / "lora.json"));
        const json& spec = e.at("spec");
        const json& params = e.at("params");
        const auto want_t = load_safetensors(dir / "expected.safetensors").tensors;

        // counts before and after, which parameters train, every state_dict name
        {
            auto plain = load_classifier(dir / "weights.safetensors");
            CHECK(plain->num_parameters() == params.at("trainable_before_freeze").get<int64_t>());
        }
        auto model = lora_model(dir, spec, LoRAScaling::AlphaOverRank);
        CHECK(count_trainable(*model) == params.at("trainable_lora").get<int64_t>());
        CHECK(model->num_parameters() == params.at("total_after").get<int64_t>());
        std::vector<std::string> trainable;
        for (const auto& [name, p] : model->named_parameters())
            if (p.requires_grad()) trainable.push_back(name);
        CHECK(trainable == params.at("lora_names").get<std::vector<std::string>>());
        std::vector<std::string> state_names;
        for (const auto& [name, t] : model->state_dict())
            if (name.size() < 5 || name.substr(name.size() - 5) != ".mask")
                state_names.push_back(name);
        CHECK(state_names == params.at("state_dict_names").get<std::vector<std::string>>());
        const auto named = model->named_parameters();
        const std::map<std::string, Tensor> by_name(named.begin(), named.end());
        for (const auto& name : trainable) {
            INFO(name);
            CHECK(by_name.at(name).shape() == params.at("lora_shapes").at(name).get<Shape>());
            const auto r = testing::all_close(by_name.at(name),
                                              want_t.at("init." + name).to_vector(), 1e-7, 0);
            CHECK_MESSAGE(r.ok, r.message);
        }

        // the book's first training batch: last-token logits, as without LoRA while B = 0
        const int64_t max_length = spec.at("max_length");
        const SpamLoaders l =
            create_spam_loaders(dir, spec.at("batch_size").get<int64_t>(), max_length);
        const auto& fb = e.at("first_batch");
        manual_seed(fb.at("seed").get<uint64_t>());
        const auto indices = l.train_loader.epoch_indices().at(0);
        CHECK(indices == fb.at("indices").get<std::vector<int64_t>>());
        const auto batch = l.train_loader.make_batch(indices);
        {
            NoGradGuard ng;
            const Tensor last = classification_logits(*model, batch.input_batch);
            const auto r = testing::all_close(
                last, want_t.at("first_batch_last_logits").to_vector(), 1e-5, 1e-4);
            CHECK_MESSAGE(r.ok, r.message);
            CHECK(argmax(last, -1).data == fb.at("predicted").get<std::vector<int64_t>>());
            auto plain = load_classifier(dir / "weights.safetensors");
            CHECK(classification_logits(*plain, batch.input_batch).to_vector() == last.to_vector());
        }

        // the loss and its gradients: LoRA parameters only
        model->train();
        const Tensor loss = calc_loss_batch(batch.input_batch, batch.target_batch, *model);
        CHECK_MESSAGE(close(loss.item(), e.at("loss").get<double>()), loss.item());
        loss.backward();
        std::vector<std::string> no_grad;
        double total = 0;
        for (const auto& [name, p] : model->named_parameters()) {
            if (!p.grad().defined()) {
                no_grad.push_back(name);
                continue;
            }
            const double n = l2(p.grad());
            total += n * n;
            const double want = e.at("grad_l2_norms").at(name).get<double>();
            CHECK_MESSAGE(close(n, want), name << ": " << n << " vs " << want);
        }
        CHECK(no_grad == e.at("no_grad").get<std::vector<std::string>>());
        CHECK(close(std::sqrt(total), e.at("grad_l2_norm_total").get<double>()));

        // five AdamW steps, in the repository's scaling and in the printed book's
        const json& o = spec.at("optimizer");
        for (const auto& [scaling, key, prefix] :
             {std::tuple{LoRAScaling::AlphaOverRank, "adamw", "after_adamw."},
              std::tuple{LoRAScaling::Alpha, "adamw_printed_book_scaling",
                         "after_adamw_printed_scaling."}}) {
            INFO(key);
            model = lora_model(dir, spec, scaling);
            std::map<std::string, std::vector<float>> frozen_before;
            for (const auto& [name, p] : model->named_parameters())
                if (!p.requires_grad()) frozen_before[name] = p.to_vector();
            const auto losses = adamw_steps(*model, o, batch);
            const auto want = e.at(key).at("losses").get<std::vector<double>>();
            REQUIRE(losses.size() == want.size());
            for (size_t k = 0; k < want.size(); ++k)
                CHECK_MESSAGE(close(losses[k], want[k]), "loss " << k << ": " << losses[k]);
            for (const auto& [name, p] : model->named_parameters()) {
                INFO(name);
                if (!p.requires_grad()) {
                    CHECK(p.to_vector() == frozen_before.at(name));  // the base: bit for bit
                    continue;
                }
                CHECK(close(l2(p), e.at(key).at("param_l2_norms_after").at(name).get<double>()));
                const auto r = testing::all_close(p, want_t.at(prefix + name).to_vector(), 1e-6, 0);
                CHECK_MESSAGE(r.ok, r.message);
            }
        }

        // merging (not in the book): B is no longer zero after the steps; the
        // merged plain model gives the LoRA model's logits and has its names
        {
            NoGradGuard ng;
            model->eval();
            const Tensor lora_logits = classification_logits(*model, batch.input_batch);
            const std::string rng = default_generator().state();
            merge_lora(*model);
            CHECK(default_generator().state() == rng);  // merging draws nothing
            CHECK(count_trainable(*model) == 0);
            const auto r = testing::all_close(classification_logits(*model, batch.input_batch),
                                              lora_logits.to_vector(), 1e-5, 1e-4);
            CHECK_MESSAGE(r.ok, r.message);
            auto plain = load_classifier(dir / "weights.safetensors");
            CHECK(names_of(model->state_dict()) == names_of(plain->state_dict()));
        }
    }
}

TEST_CASE("LoRALayer's gradients for x, A and B agree with finite differences, in both scalings") {
    manual_seed(7);
    for (const auto scaling : {LoRAScaling::AlphaOverRank, LoRAScaling::Alpha}) {
        LoRALayer lora(5, 3, 2, 4.0, scaling);
        const Tensor x = randn({2, 4, 5}).requires_grad_();
        lora.B.copy_(randn({2, 3}));  // B = 0 would leave A's gradient zero
        const std::string err = testing::gradcheck(
            [&](const std::vector<Tensor>& in) {
                return lora.scaling() * matmul(matmul(in[0], in[1]), in[2]);
            },
            {x, lora.A, lora.B});
        CHECK_MESSAGE(err.empty(), err);
        // and the layer's forward is that expression
        NoGradGuard ng;
        const auto r = testing::all_close(
            lora.forward(x), (lora.scaling() * matmul(matmul(x, lora.A), lora.B)).to_vector(), 0,
            0);
        CHECK_MESSAGE(r.ok, r.message);
    }
    CHECK(LoRALayer(5, 3, 2, 4.0, LoRAScaling::AlphaOverRank).scaling() == 2.0f);
    CHECK(LoRALayer(5, 3, 2, 4.0, LoRAScaling::Alpha).scaling() == 4.0f);
}

TEST_CASE("replacing a typed child with a module of another kind is an error naming both") {
    ch03::MultiHeadAttention mha(4, 4, 8, 0.0f, 2);
    CHECK_THROWS_WITH_AS(mha.replace_module("W_query", std::make_shared<Dropout>(0.1f)),
                         doctest::Contains("MultiHeadAttention.W_query cannot become a Dropout"),
                         ValueError);
    CHECK(mha.W_query->type_name() == "Linear");
    auto wrapped =
        mha.replace_module("W_query", std::make_shared<LinearWithLoRA>(mha.W_query, 2, 2.0));
    CHECK(mha.W_query.get() == wrapped.get());  // the typed member follows the child
    CHECK_THROWS_AS(parse_lora_scaling("alpha/rank"), ValueError);
}

TEST_CASE(
    "appendix E's counts for GPT-2 124M: 124,441,346 trainable, 0 after freezing, 2,666,528 LoRA at rank 16 (GPT_CONFIG_124M)") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Lora)) {
        const json e = json::parse(read_file(dir / "lora.json"));
        if (!e.contains("book_count_gpt2_124m"))
            continue;  // only in sets made with the book's seed
        INFO("LoRA set " << dir.string());
        const json& b = e.at("book_count_gpt2_124m");
        const auto cfg = ch04::GPTConfig::from_json(b.at("config").dump(), dir.string());
        GPTModel model(cfg);
        model.replace_module(
            "out_head", std::make_shared<Linear>(cfg.emb_dim, b.at("num_classes").get<int64_t>()));
        CHECK(count_trainable(model) == b.at("trainable_before").get<int64_t>());
        for (Tensor p : model.parameters()) p.requires_grad_(false);
        CHECK(count_trainable(model) == b.at("trainable_after_freeze").get<int64_t>());
        replace_linear_with_lora(model, b.at("rank").get<int64_t>(), b.at("alpha").get<double>());
        CHECK(count_trainable(model) == b.at("trainable_lora").get<int64_t>());
    }
}
