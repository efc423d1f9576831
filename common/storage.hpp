// The memory behind tensors. Buffers of 256 KB and more come from segments
// the process keeps (block_pool.hpp: best fit, freed neighbours merge), so a
// training loop reuses the same memory every step, across sizes, instead of
// asking the kernel for fresh pages (each of which it must fault in and
// zero); smaller ones come from malloc. Contents start uninitialised unless
// a fill value is given. storage_release_idle() hands unused segments back.
#pragma once
#include <cstddef>
#include <vector>

namespace llm {

class Storage {
public:
    explicit Storage(size_t n);  // uninitialised
    Storage(size_t n, float value);  // filled
    explicit Storage(std::vector<float>&& values);
    ~Storage();
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
    float* data() { return ptr_; }
    const float* data() const { return ptr_; }
    size_t size() const { return n_; }

private:
    float* ptr_;
    size_t n_;
};

// For tests and the benchmarks: bytes kept but not in use, and all bytes kept.
size_t storage_cache_bytes();
size_t storage_reserved_bytes();
// Bytes held by live tensors (buffers of 256 KB and more, which is where the
// memory is), the most held at once since the last reset, and the reset.
size_t storage_live_bytes();
// Hands the kept memory that no tensor uses back to the system (as
// torch.cuda.empty_cache() does for PyTorch's GPU cache); returns the bytes.
// For a program between phases, say after training, before loading weights.
size_t storage_release_idle();
size_t storage_peak_bytes();
void storage_reset_peak();

}  // namespace llm
