#include "gpt_model_file.hpp"

#include "error.hpp"
#include "paths.hpp"
#include "safetensors.hpp"

namespace llm::ch04 {

std::unique_ptr<GPTModel> load_gpt_model(const std::filesystem::path& path) {
    const auto st = load_safetensors(path);
    const auto config_path = path.parent_path() / "config.json";
    GPTConfig cfg;
    if (st.metadata.count("gpt_config"))
        cfg = GPTConfig::from_metadata(st.metadata, path.string());
    else if (std::filesystem::exists(config_path))
        cfg = GPTConfig::from_json(read_file(config_path), config_path.string());
    else
        throw FormatError(
            path.string() +
            ": the file names no configuration (no gpt_config metadata, no config.json beside it)");
    if (!st.tensors.count("tok_emb.weight"))
        throw FormatError(path.string() +
                          ": not a GPTModel in the book's layout (no tok_emb.weight)");
    auto model = std::make_unique<GPTModel>(cfg);
    if (!st.tensors.count("out_head.weight"))
        model->tie_weights();  // a tied checkpoint may store the head once
    try {
        model->load_state_dict(st.tensors);
    } catch (const Error& e) { throw FormatError(path.string() + ": " + e.what()); }
    return model;
}

}  // namespace llm::ch04
