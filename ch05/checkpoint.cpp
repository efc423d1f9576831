#include "checkpoint.hpp"

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "safetensors.hpp"

namespace llm::ch05 {

void save_model(const ch04::GPTModel& model, const std::filesystem::path& path) {
    auto meta = model.cfg.to_metadata();
    meta["format"] = "pt";
    save_safetensors(path, model.state_dict(), meta);
}

void save_checkpoint(const ch04::GPTModel& model, const AdamW& opt, const TrainingState& s,
                     const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    save_model(model, dir / "model.safetensors");
    std::vector<std::pair<std::string, Tensor>> tensors;
    const auto named = model.named_parameters();
    auto& o = const_cast<AdamW&>(opt);  // the moments are read (zeros where none yet), not changed
    o.materialize_state();
    if (named.size() != o.exp_avg().size())
        throw ValueError("save_checkpoint: the optimizer does not hold this model's parameters");
    for (size_t i = 0; i < named.size(); ++i) {
        tensors.emplace_back("exp_avg." + named[i].first, o.exp_avg()[i]);
        tensors.emplace_back("exp_avg_sq." + named[i].first, o.exp_avg_sq()[i]);
    }
    nlohmann::json j{{"epoch", s.epoch},
                     {"step_in_epoch", s.step_in_epoch},
                     {"global_step", s.global_step},
                     {"tokens_seen", s.tokens_seen},
                     {"epoch_batches", s.epoch_batches},
                     {"optimizer_steps", o.steps()},
                     {"train_losses", s.train_losses},
                     {"val_losses", s.val_losses},
                     {"track_tokens_seen", s.track_tokens_seen},
                     {"train_accs", s.train_accs},
                     {"val_accs", s.val_accs},
                     {"lr", o.lr},
                     {"weight_decay", o.weight_decay}};
    save_safetensors(dir / "training-state.safetensors", tensors,
                     {{"training_state", j.dump()}, {"rng_state", s.rng_state}});
}

TrainingState load_checkpoint(ch04::GPTModel& model, AdamW& opt, const std::filesystem::path& dir) {
    const auto m = load_safetensors(dir / "model.safetensors");
    model.load_state_dict(m.tensors);
    const auto path = dir / "training-state.safetensors";
    const auto st = load_safetensors(path);
    const auto named = model.named_parameters();
    opt.materialize_state();
    for (size_t i = 0; i < named.size(); ++i)
        for (auto [prefix, vec] :
             {std::pair{"exp_avg.", &opt.exp_avg()}, std::pair{"exp_avg_sq.", &opt.exp_avg_sq()}}) {
            auto it = st.tensors.find(prefix + named[i].first);
            if (it == st.tensors.end())
                throw FormatError(path.string() + ": tensor '" + prefix + named[i].first +
                                  "' is missing");
            Tensor& dst = (*vec)[i];
            if (it->second.shape() != dst.shape())
                throw ShapeError(path.string() + ": tensor '" + prefix + named[i].first +
                                 "' has shape " + shape_str(it->second.shape()) +
                                 ", the model needs " + shape_str(dst.shape()));
            dst.copy_(it->second);
        }
    if (!st.metadata.count("training_state") || !st.metadata.count("rng_state"))
        throw FormatError(path.string() + ": no training_state/rng_state metadata");
    TrainingState s;
    try {
        const auto j = nlohmann::json::parse(st.metadata.at("training_state"));
        s.epoch = j.at("epoch");
        s.step_in_epoch = j.at("step_in_epoch");
        s.global_step = j.at("global_step");
        s.tokens_seen = j.at("tokens_seen");
        s.epoch_batches = j.at("epoch_batches").get<std::vector<std::vector<int64_t>>>();
        s.train_losses = j.at("train_losses").get<std::vector<double>>();
        s.val_losses = j.at("val_losses").get<std::vector<double>>();
        s.track_tokens_seen = j.at("track_tokens_seen").get<std::vector<double>>();
        s.train_accs = j.value("train_accs", std::vector<double>{});  // older checkpoints: none
        s.val_accs = j.value("val_accs", std::vector<double>{});
        opt.set_steps(j.at("optimizer_steps"));
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path.string() + ": training_state metadata is malformed: " + e.what());
    }
    s.rng_state = st.metadata.at("rng_state");
    return s;
}

}  // namespace llm::ch05
