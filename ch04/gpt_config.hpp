// Section 4.1: the configuration dictionary of the book, as a struct.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace llm::ch04 {

struct GPTConfig {
    int64_t vocab_size = 50257;  // GPT-2's BPE vocabulary
    int64_t context_length = 1024;  // positions the model can attend to
    int64_t emb_dim = 768;  // embedding width
    int64_t n_heads = 12;  // attention heads per block
    int64_t n_layers = 12;  // transformer blocks
    float drop_rate = 0.1f;  // dropout everywhere
    bool qkv_bias = false;  // biases on the query/key/value projections

    // ValueError naming the field when the configuration cannot work.
    void validate() const;
    std::string to_json() const;
    // The book's cfg dict as JSON (the keys above); missing keys keep their defaults.
    static GPTConfig from_json(const std::string& json, const std::string& where = "config");
    // As metadata strings (for safetensors __metadata__) and back.
    std::map<std::string, std::string> to_metadata() const;
    static GPTConfig from_metadata(const std::map<std::string, std::string>& meta,
                                   const std::string& where);
};

GPTConfig GPT_CONFIG_124M();
// GPT-2 medium (355M), large (774M), XL (1558M): the book's exercise 4.2 sizes.
GPTConfig gpt2_config(const std::string& size);  // "small", "medium", "large", "xl"

}  // namespace llm::ch04
