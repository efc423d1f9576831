// Sections 6.5-6.8 against the classifier sets (the book's chapter 6 code
// run with PyTorch on a small GPT): the new head, the freezing, last-token
// logits, accuracies, losses, the gradients (and their absence for frozen
// parameters), ten steps of train_classifier_simple, classify_review.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <optional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "autograd.hpp"
#include "error.hpp"
#include "checkpoint.hpp"
#include "classifier.hpp"
#include "gpt_model_file.hpp"
#include "ops.hpp"
#include "optim.hpp"
#include "paths.hpp"
#include "random.hpp"
#include "safetensors.hpp"
#include "testing.hpp"
#include "train.hpp"

using namespace llm;
using namespace llm::ch06;
namespace fs = std::filesystem;
using nlohmann::json;
using testing::close;

namespace {

// The set's model as the book builds it in 6.4-6.5.
std::unique_ptr<GPTModel> book_classifier(const fs::path& dir, const json& spec) {
    auto model = ch04::load_gpt_model(dir / "weights.safetensors");
    model->eval();
    manual_seed(spec.at("seed").get<uint64_t>());  // torch.manual_seed(123) before the new head
    add_classification_head(*model, spec.at("num_classes").get<int64_t>());
    return model;
}

}  // namespace

TEST_CASE(
    "classifier sets: head, freezing, logits, accuracy, loss, gradients, 10 training steps, classify_review") {
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Classifier)) {
        INFO("classifier set " << dir.string());
        const json e = json::parse(read_file(dir / "classifier.json"));
        const json& spec = e.at("spec");
        const auto want_t = load_safetensors(dir / "expected.safetensors").tensors;
        auto model = book_classifier(dir, spec);

        // 6.5: the head as created, the parameter counts and which ones train
        auto r = testing::all_close(model->out_head->weight,
                                    want_t.at("init.out_head.weight").to_vector(), 0, 0);
        CHECK_MESSAGE(r.ok, r.message);
        r = testing::all_close(model->out_head->bias, want_t.at("init.out_head.bias").to_vector(),
                               0, 0);
        CHECK_MESSAGE(r.ok, r.message);
        int64_t trainable = 0;
        std::vector<std::string> trainable_names, frozen_names;
        for (const auto& [name, p] : model->named_parameters()) {
            (p.requires_grad() ? trainable_names : frozen_names).push_back(name);
            if (p.requires_grad()) trainable += p.numel();
        }
        CHECK(model->num_parameters() == e.at("params").at("total").get<int64_t>());
        CHECK(trainable == e.at("params").at("trainable").get<int64_t>());
        CHECK(trainable_names ==
              e.at("params").at("trainable_names").get<std::vector<std::string>>());
        CHECK(frozen_names == e.at("params").at("frozen_names").get<std::vector<std::string>>());

        // 6.3 with max_length = the model's context: the loaders
        const int64_t max_length = spec.at("max_length");
        const int64_t batch_size = spec.at("batch_size");
        const SpamLoaders l = create_spam_loaders(dir, batch_size, max_length);
        for (const auto& [name, ds, loader] :
             {std::tuple{"train", l.train_dataset.get(), &l.train_loader},
              std::tuple{"validation", l.val_dataset.get(), &l.val_loader},
              std::tuple{"test", l.test_dataset.get(), &l.test_loader}}) {
            const auto& d = e.at("data").at(name);
            int64_t truncated = 0;
            for (int64_t n : ds->encoded_lengths) truncated += n > max_length;
            CHECK(ds->size() == d.at("rows").get<int64_t>());
            CHECK(truncated == d.at("num_truncated").get<int64_t>());
            CHECK(loader->size() == d.at("num_batches").get<int64_t>());
        }

        // the first training batch after manual_seed: last-position logits
        const auto& fb = e.at("first_batch");
        manual_seed(fb.at("seed").get<uint64_t>());
        const auto indices = l.train_loader.epoch_indices().at(0);
        CHECK(indices == fb.at("indices").get<std::vector<int64_t>>());
        const auto batch = l.train_loader.make_batch(indices);
        {
            NoGradGuard ng;
            const Tensor last = classification_logits(*model, batch.input_batch);
            r = testing::all_close(last, want_t.at("first_batch_last_logits").to_vector(), 1e-5,
                                   1e-4);
            CHECK_MESSAGE(r.ok, r.message);
            CHECK(argmax(last, -1).data == fb.at("predicted").get<std::vector<int64_t>>());
        }

        // 6.6: accuracy over a few batches after manual_seed, then the losses (no reseed)
        const auto& acc = e.at("initial_accuracy");
        manual_seed(spec.at("seed").get<uint64_t>());
        const int64_t nb = acc.at("num_batches");
        for (const auto& [name, loader] :
             {std::pair{"train", &l.train_loader}, std::pair{"validation", &l.val_loader},
              std::pair{"test", &l.test_loader}}) {
            INFO(name);
            CHECK(calc_accuracy_loader(*loader, *model, nb) *
                      acc.at(name).at("examples").get<double>() ==
                  doctest::Approx(acc.at(name).at("correct").get<double>()));
        }
        const auto& ll = e.at("initial_loss_loader");
        {
            NoGradGuard ng;
            for (const auto& [name, loader] :
                 {std::pair{"train", &l.train_loader}, std::pair{"validation", &l.val_loader},
                  std::pair{"test", &l.test_loader}}) {
                const double got =
                    calc_loss_loader(*loader, *model, ll.at("num_batches").get<int64_t>());
                CHECK_MESSAGE(close(got, ll.at(name).get<double>()), name << ": " << got);
            }
        }

        // the loss of the first batch and its gradients: none for a frozen parameter
        model->train();
        const Tensor loss = calc_loss_batch(batch.input_batch, batch.target_batch, *model);
        CHECK_MESSAGE(close(loss.item(), e.at("loss").get<double>()), loss.item());
        loss.backward();
        const std::set<std::string> noisy(e.at("noise_dominated").at("names").begin(),
                                          e.at("noise_dominated").at("names").end());
        std::vector<std::string> no_grad;
        double total = 0;
        for (const auto& [name, p] : model->named_parameters()) {
            if (!p.grad().defined()) {
                no_grad.push_back(name);
                continue;
            }
            double sq = 0;
            for (float g : p.grad().to_vector()) sq += static_cast<double>(g) * g;
            total += sq;
            if (noisy.count(name)) continue;
            const double want = e.at("grad_l2_norms").at(name).get<double>();
            CHECK_MESSAGE(close(std::sqrt(sq), want),
                          name << ": " << std::sqrt(sq) << " vs " << want);
        }
        CHECK(no_grad == e.at("no_grad").get<std::vector<std::string>>());
        CHECK(close(std::sqrt(total), e.at("grad_l2_norm_total").get<double>()));

        // 6.7: a fresh model, manual_seed, AdamW over all parameters, one epoch of 10 steps
        model = book_classifier(dir, spec);
        std::map<std::string, std::vector<float>> frozen_before;
        for (const auto& [name, p] : model->named_parameters())
            if (!p.requires_grad()) frozen_before[name] = p.to_vector();
        manual_seed(spec.at("seed").get<uint64_t>());
        const auto& o = spec.at("optimizer");
        AdamW optimizer(model->parameters(), o.at("lr").get<float>(),
                        o.at("weight_decay").get<float>(), o.at("betas")[0].get<float>(),
                        o.at("betas")[1].get<float>(), o.at("eps").get<float>());
        const auto& ts = spec.at("train");
        const auto& tw = e.at("train");
        const ClassifierHistory h = train_classifier_simple(
            *model, l.train_loader.first_batches(ts.at("max_steps").get<int64_t>()), l.val_loader,
            optimizer, ts.at("num_epochs"), ts.at("eval_freq"), ts.at("eval_iter"));
        auto close_all = [](const std::vector<double>& got, const json& want) {
            const auto w = want.get<std::vector<double>>();
            if (got.size() != w.size()) return false;
            for (size_t i = 0; i < w.size(); ++i)
                if (!close(got[i], w[i])) return false;
            return true;
        };
        CHECK(close_all(h.step_losses, tw.at("step_losses")));
        CHECK(close_all(h.train_losses, tw.at("train_losses")));
        CHECK(close_all(h.val_losses, tw.at("val_losses")));
        CHECK(close_all(h.train_accs, tw.at("train_accs")));
        CHECK(close_all(h.val_accs, tw.at("val_accs")));
        CHECK(h.examples_seen == tw.at("examples_seen").get<int64_t>());
        {
            NoGradGuard ng;
            model->eval();
            CHECK(close(calc_loss_batch(batch.input_batch, batch.target_batch, *model).item(),
                        tw.at("first_batch_loss_after").get<double>()));
        }
        for (const auto& [name, p] : model->named_parameters()) {
            INFO(name);
            if (!p.requires_grad()) {
                CHECK(p.to_vector() == frozen_before.at(name));  // frozen: bit for bit
                continue;
            }
            const double atol = noisy.count(name) ? 1e-4 : 2e-6;
            r = testing::all_close(p, want_t.at("after_steps." + name).to_vector(), atol, 0);
            CHECK_MESSAGE(r.ok, r.message);
        }

        // saved in the book's names and loaded back: the same classifier
        const fs::path saved = fs::temp_directory_path() / "ch06_classifier_test.safetensors";
        save_classifier(*model, saved);
        const auto reloaded = load_classifier(saved);
        for (const auto& c : e.at("classify_review")) {
            const auto a = classify_review(c.at("text"), *model, c.at("max_length").get<int64_t>());
            const auto b =
                classify_review(c.at("text"), *reloaded, c.at("max_length").get<int64_t>());
            CHECK(a.last_logits == b.last_logits);
        }
        fs::remove(saved);
        // a language model is not a classifier: the error says so and names the file
        CHECK_THROWS_WITH_AS(load_classifier(dir / "weights.safetensors"),
                             doctest::Contains("weights.safetensors: not a classifier"),
                             FormatError);

        // 6.8: the book's two texts on the finetuned model
        for (const auto& c : e.at("classify_review")) {
            const Review rv =
                classify_review(c.at("text"), *model, c.at("max_length").get<int64_t>());
            CHECK(rv.input_ids == c.at("input_ids").get<std::vector<int64_t>>());
            const auto want = c.at("last_logits").get<std::vector<double>>();
            REQUIRE(rv.last_logits.size() == want.size());
            for (size_t i = 0; i < want.size(); ++i) CHECK(close(rv.last_logits[i], want[i]));
            CHECK(rv.predicted == c.at("predicted").get<int64_t>());
            CHECK(rv.label == c.at("label").get<std::string>());
        }
    }
}

TEST_CASE("an interrupted classifier finetuning resumes exactly as the uninterrupted run") {
    // Each classifier set's model and loaders; 2 epochs of 4 batches, an
    // evaluation every 3 steps; Ctrl-C during the first step, then a fresh
    // process state resumes from the checkpoint.
    for (const auto& dir : testing::fixture_sets(testing::FixtureKind::Classifier)) {
        INFO("classifier set " << dir.string());
        const json e = json::parse(read_file(dir / "classifier.json"));
        const json& spec = e.at("spec");
        const SpamLoaders l =
            create_spam_loaders(dir, spec.at("batch_size"), spec.at("max_length"));
        const auto train_loader = l.train_loader.first_batches(4);
        const fs::path ckpt =
            fs::temp_directory_path() / ("llm_ch06_resume_" + std::to_string(getpid()));
        auto run = [&](std::unique_ptr<GPTModel>& model, bool interrupt, bool resume) {
            model = book_classifier(dir, spec);
            manual_seed(123);
            AdamW optimizer(model->parameters(), 1e-3f, 0.1f);
            std::optional<ch05::TrainingState> state;
            if (resume) state = ch05::load_checkpoint(*model, optimizer, ckpt);
            const ClassifierCheckpoints c{ckpt, state ? &*state : nullptr};
            if (interrupt) ch05::request_interrupt();  // seen after the first step
            return train_classifier_simple(*model, train_loader, l.val_loader, optimizer, 2, 3, 1,
                                           Position::Last, &c);
        };
        std::unique_ptr<GPTModel> full_model, part_model, resumed_model;
        const ClassifierHistory full = run(full_model, false, false);
        REQUIRE(full.train_accs.size() == 2);
        const ClassifierHistory part = run(part_model, true, false);
        REQUIRE(part.interrupted);
        CHECK(part.train_losses.size() == 1);
        manual_seed(999);  // replaced by the checkpoint's generator
        const ClassifierHistory rest = run(resumed_model, false, true);
        CHECK(!rest.interrupted);
        CHECK(rest.train_losses == full.train_losses);
        CHECK(rest.val_losses == full.val_losses);
        CHECK(rest.train_accs == full.train_accs);
        CHECK(rest.val_accs == full.val_accs);
        CHECK(rest.examples_seen == full.examples_seen);
        const auto a = full_model->parameters(), b = resumed_model->parameters();
        bool identical = true;
        for (size_t i = 0; i < a.size(); ++i)
            identical = identical && a[i].to_vector() == b[i].to_vector();
        CHECK_MESSAGE(identical, "weights after resuming differ from the uninterrupted run");
        fs::remove_all(ckpt);
    }
}
