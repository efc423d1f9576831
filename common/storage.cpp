#include "storage.hpp"

#include "block_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

namespace llm {

// Tensor buffers of 256 KB and more come from one BlockPool (best fit,
// freed neighbours merge: block_pool.hpp). So the memory an activation gave
// back in backward can hold a gradient of another size, and a training step
// that repeats its allocations neither asks the kernel for fresh pages (each
// of which it must fault in and zero) nor keeps one pool per size. Smaller
// buffers go to malloc.
namespace {

constexpr size_t kPooledBytes = 256 * 1024;
constexpr size_t kPage = 4096;

struct Pool {
    std::mutex mutex;
    BlockPool blocks{size_t{64} << 20, size_t{8} << 30};  // 64 MB segments; keep at most 8 GB idle
    size_t live = 0, peak = 0;  // bytes tensors asked for
};

Pool& pool() {
    static Pool* p = new Pool;  // never destroyed: tensors may outlive static destructors
    return *p;
}

size_t round_to_pages(size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

void* acquire(size_t bytes) {
    if (bytes >= kPooledBytes) {
        Pool& p = pool();
        std::lock_guard<std::mutex> lock(p.mutex);
        void* block = p.blocks.take(round_to_pages(bytes));
        p.peak = std::max(p.peak, p.live += bytes);
        return block;
    }
    void* m = std::aligned_alloc(64, (std::max<size_t>(bytes, 1) + 63) / 64 * 64);
    if (!m) throw std::bad_alloc();
    return m;
}

void release(void* m, size_t bytes) {
    if (bytes >= kPooledBytes) {
        Pool& p = pool();
        std::lock_guard<std::mutex> lock(p.mutex);
        p.live -= bytes;
        p.blocks.give_back(m);
        return;
    }
    std::free(m);
}

}  // namespace

Storage::Storage(size_t n) : ptr_(static_cast<float*>(acquire(n * sizeof(float)))), n_(n) {}

Storage::Storage(size_t n, float value) : Storage(n) {
    // (gradient buffers start as zeros: 650 MB of them per GPT-2 training step, so both cores fill)
    const int64_t len = static_cast<int64_t>(n);
#pragma omp parallel for simd if (len > (int64_t{1} << 20))
    for (int64_t i = 0; i < len; ++i) ptr_[i] = value;
}

Storage::Storage(std::vector<float>&& values) : Storage(values.size()) {
    std::memcpy(ptr_, values.data(), values.size() * sizeof(float));
}

Storage::~Storage() { release(ptr_, n_ * sizeof(float)); }

size_t storage_cache_bytes() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().blocks.reserved() - pool().blocks.in_use();
}

size_t storage_reserved_bytes() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().blocks.reserved();
}

size_t storage_release_idle() {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    return p.blocks.release_idle();
}

size_t storage_live_bytes() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().live;
}

size_t storage_peak_bytes() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().peak;
}

void storage_reset_peak() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    pool().peak = pool().live;
}

}  // namespace llm
