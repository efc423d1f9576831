// Section 5.5: loading OpenAI's GPT-2 weights, from HuggingFace's
// model.safetensors, into the book's GPTModel (load_weights_into_gpt).
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "gpt_model.hpp"

namespace llm::ch05 {

// Is this dict in HuggingFace's GPT-2 layout (wte.weight, h.0.attn.c_attn.weight ...)?
bool is_hf_gpt2_layout(const std::map<std::string, Tensor>& tensors);

// The configuration of a HuggingFace GPT-2 dict: from a config.json
// (HuggingFace's n_embd/n_layer/n_head/n_positions keys or the book's keys)
// when given, else from the shapes (head size 64, as every GPT-2 size has).
ch04::GPTConfig infer_hf_config(const std::map<std::string, Tensor>& tensors,
                                const std::string& config_json = "",
                                const std::string& where = "model.safetensors");

// The book's load_weights_into_gpt: c_attn split into query/key/value,
// Conv1D weights transposed, LayerNorm weight/bias to scale/shift.
// The output head gets a copy of wte (the book's behaviour) or, with tie,
// shares the token embedding's tensor. Missing, extra or mis-shaped tensors
// are errors naming the tensor.
void load_weights_into_gpt(ch04::GPTModel& model, const std::map<std::string, Tensor>& hf,
                           bool tie = false, const std::string& where = "model.safetensors");

// A model from a weights file in either layout: the book's state_dict names
// (our checkpoints; configuration from the file's metadata or config.json
// beside it) or HuggingFace's GPT-2 layout.
std::unique_ptr<ch04::GPTModel> load_model(const std::filesystem::path& weights,
                                           bool tie_hf_head = false);

}  // namespace llm::ch05
