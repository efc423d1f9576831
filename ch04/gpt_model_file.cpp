#include "gpt_model_file.hpp"

#include "error.hpp"
#include "paths.hpp"
#include "safetensors.hpp"

namespace llm::ch04 {

GPTConfig gpt_config_of(const std::map<std::string, std::string>& metadata,
                        const std::filesystem::path& path) {
    const auto config_path = path.parent_path() / "config.json";
    if (metadata.count("gpt_config")) return GPTConfig::from_metadata(metadata, path.string());
    if (std::filesystem::exists(config_path))
        return GPTConfig::from_json(read_file(config_path), config_path.string());
    throw FormatError(
        path.string() +
        ": the file names no configuration (no gpt_config metadata, no config.json beside it)");
}

std::unique_ptr<GPTModel> load_gpt_model(const std::filesystem::path& path) {
    const SafeTensorsFile file(path);  // tensors are read as they are copied in
    const GPTConfig cfg = gpt_config_of(file.metadata(), path);
    if (!file.contains("tok_emb.weight"))
        throw FormatError(path.string() +
                          ": not a GPTModel in the book's layout (no tok_emb.weight)");
    auto model = [&] {
        const SkipInit skip;  // load_state_dict writes every parameter (or throws)
        return std::make_unique<GPTModel>(cfg);
    }();
    if (!file.contains("out_head.weight"))
        model->tie_weights();  // a tied checkpoint may store the head once
    try {
        model->load_state_dict(
            file.names(), [&](const std::string& n) { return file.shape(n); },
            [&](const std::string& n, float* dst) { file.load_into(n, dst); });
    } catch (const Error& e) { throw FormatError(path.string() + ": " + e.what()); }
    return model;
}

}  // namespace llm::ch04
