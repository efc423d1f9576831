// A GPTModel saved in the book's layout (torch.save(model.state_dict()),
// here a .safetensors file with the state_dict's names: tok_emb.weight,
// trf_blocks.0.att.W_query.weight ...), read back with its configuration.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <memory>

#include "gpt_model.hpp"

namespace llm::ch04 {

// The configuration comes from the file's gpt_config metadata or, failing
// that, a config.json beside it; a file whose head is stored once (tied
// weights) loads into a tied model. FormatError names the file otherwise.
std::unique_ptr<GPTModel> load_gpt_model(const std::filesystem::path& path);

// The configuration alone, found the same way (metadata, or config.json beside the file).
GPTConfig gpt_config_of(const std::map<std::string, std::string>& metadata,
                        const std::filesystem::path& path);

}  // namespace llm::ch04
