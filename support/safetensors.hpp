// safetensors: the weight file format of HuggingFace and of our checkpoints.
//
// Layout: 8 bytes little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value"}}
// then the raw little-endian tensor bytes, offsets relative to the data start.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace llm {

struct SafeTensors {
    std::map<std::string, Tensor> tensors;  // all converted to float32
    std::map<std::string, std::string> metadata;  // __metadata__
    std::map<std::string, std::string> dtypes;  // the stored dtype of each tensor
};

// Reads (memory-mapped) and validates the whole file. F32, F16, BF16 and F64
// become float32. Any malformation is a FormatError naming the file and,
// where it applies, the tensor.
SafeTensors load_safetensors(const std::filesystem::path& path);
// The same from bytes in memory (the fuzz target's entry); `name` is used in errors.
SafeTensors parse_safetensors(const unsigned char* bytes, size_t size, const std::string& name);

// Writes float32 tensors atomically (temporary file, then rename).
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace llm
