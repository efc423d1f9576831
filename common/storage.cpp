#include "storage.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

namespace llm {

namespace {

constexpr size_t kPooledBytes = 256 * 1024;          // smaller blocks go straight to malloc
constexpr size_t kMaxCachedBytes = size_t{8} << 30;  // never park more than this

struct Cache {
    std::mutex mutex;
    std::multimap<size_t, void*> free_blocks;  // bytes -> block
    size_t bytes = 0;
    size_t live = 0, peak = 0;                 // bytes held by tensors (pooled sizes only)
};

Cache& cache() {
    static Cache* c = new Cache;  // never destroyed: tensors may outlive static destructors
    return *c;
}

void* acquire(size_t bytes) {
    if (bytes >= kPooledBytes) {
        Cache& c = cache();
        std::lock_guard<std::mutex> lock(c.mutex);
        auto it = c.free_blocks.find(bytes);  // exact size: training steps repeat their shapes
        if (it != c.free_blocks.end()) {
            void* p = it->second;
            c.free_blocks.erase(it);
            c.bytes -= bytes;
            c.peak = std::max(c.peak, c.live += bytes);
            return p;
        }
        c.peak = std::max(c.peak, c.live += bytes);
    }
    void* p = std::aligned_alloc(64, (std::max<size_t>(bytes, 1) + 63) / 64 * 64);
    if (!p) throw std::bad_alloc();
    return p;
}

void release(void* p, size_t bytes) {
    if (bytes >= kPooledBytes) {
        Cache& c = cache();
        std::lock_guard<std::mutex> lock(c.mutex);
        c.live -= bytes;
        if (c.bytes + bytes <= kMaxCachedBytes) {
            c.free_blocks.emplace(bytes, p);
            c.bytes += bytes;
            return;
        }
    }
    std::free(p);
}

}  // namespace

Storage::Storage(size_t n) : ptr_(static_cast<float*>(acquire(n * sizeof(float)))), n_(n) {}

Storage::Storage(size_t n, float value) : Storage(n) {
    if (value == 0.0f) std::memset(ptr_, 0, n * sizeof(float));
    else std::fill(ptr_, ptr_ + n, value);
}

Storage::Storage(std::vector<float>&& values) : Storage(values.size()) {
    std::memcpy(ptr_, values.data(), values.size() * sizeof(float));
}

Storage::~Storage() { release(ptr_, n_ * sizeof(float)); }

size_t storage_cache_bytes() {
    std::lock_guard<std::mutex> lock(cache().mutex);
    return cache().bytes;
}

size_t storage_live_bytes() {
    std::lock_guard<std::mutex> lock(cache().mutex);
    return cache().live;
}

size_t storage_peak_bytes() {
    std::lock_guard<std::mutex> lock(cache().mutex);
    return cache().peak;
}

void storage_reset_peak() {
    std::lock_guard<std::mutex> lock(cache().mutex);
    cache().peak = cache().live;
}

}  // namespace llm
