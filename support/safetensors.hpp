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

// One tensor of a file's header.
struct SafeTensorsEntry {
    std::string name, dtype;
    Shape shape;
    uint64_t begin, end;  // byte offsets into the data section
};

// A safetensors file opened to be read tensor by tensor: mapped, its header
// checked as load_safetensors checks it, and each tensor converted to float32
// only when asked for, the file's pages released as they are read. A model
// loads this way without holding a second copy of its weights (issue: a
// 1.4 GB gpt2-medium file used to need 3.2 GB of memory).
class SafeTensorsFile {
public:
    explicit SafeTensorsFile(const std::filesystem::path& path);
    ~SafeTensorsFile();
    SafeTensorsFile(const SafeTensorsFile&) = delete;
    SafeTensorsFile& operator=(const SafeTensorsFile&) = delete;

    const std::string& path() const { return path_; }
    std::vector<std::string> names() const;  // sorted
    bool contains(const std::string& name) const;
    // FormatError naming the file and tensor when it is not there.
    const Shape& shape(const std::string& name) const;
    const std::string& dtype(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    // The tensor as a new float32 tensor.
    Tensor load(const std::string& name) const;
    // The same written to dst (numel of its shape floats), piece by piece.
    void load_into(const std::string& name, float* dst) const;

private:
    const SafeTensorsEntry& entry(const std::string& name) const;
    std::string path_;
    const unsigned char* bytes_ = nullptr;
    size_t size_ = 0, data_start_ = 0;
    std::map<std::string, SafeTensorsEntry> entries_;
    std::map<std::string, std::string> metadata_;
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
