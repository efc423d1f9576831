#include "storage.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

namespace llm {

// Tensor buffers of 256 KB and more come from large segments of memory we
// keep for the life of the process. A request takes the smallest free
// block that fits (best fit) and leaves the rest free; a freed block merges
// with free neighbours. So the memory an activation gave back in backward
// can hold a gradient of another size, and a training step that repeats
// its allocations neither asks the kernel for fresh pages (each of which it
// must fault in and zero) nor keeps one pool per size. Smaller buffers go
// to malloc.
namespace {

constexpr size_t kPooledBytes = 256 * 1024;
constexpr size_t kPage = 4096;
constexpr size_t kSegmentBytes = size_t{64} << 20;       // a new segment holds at least this much
constexpr size_t kMaxIdleBytes = size_t{8} << 30;        // whole free segments beyond this go back to the kernel

struct Block {
    size_t size;
    bool free;
    char* segment;  // blocks merge only within their segment
};

struct Pool {
    std::mutex mutex;
    std::map<char*, Block> blocks;                 // every block, by address
    std::multimap<size_t, char*> free_by_size;     // the free ones, smallest first
    std::map<char*, size_t> segments;              // segment start -> bytes
    size_t reserved = 0;                           // bytes in segments
    size_t in_use = 0;                             // bytes in blocks handed out (rounded to pages)
    size_t live = 0, peak = 0;                     // bytes tensors asked for

    void unlist_free(char* p, size_t size) {
        auto [lo, hi] = free_by_size.equal_range(size);
        for (auto it = lo; it != hi; ++it)
            if (it->second == p) { free_by_size.erase(it); return; }
    }

    char* take(size_t size) {
        auto fit = free_by_size.lower_bound(size);
        if (fit == free_by_size.end()) {
            const size_t bytes = std::max(size, kSegmentBytes);
            void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED) throw std::bad_alloc();
            char* s = static_cast<char*>(m);
            segments[s] = bytes;
            reserved += bytes;
            blocks[s] = {bytes, true, s};
            fit = free_by_size.emplace(bytes, s);
        }
        char* p = fit->second;
        free_by_size.erase(fit);
        Block& b = blocks[p];
        if (b.size > size) {  // split: the tail stays free
            blocks[p + size] = {b.size - size, true, b.segment};
            free_by_size.emplace(b.size - size, p + size);
            b.size = size;
        }
        b.free = false;
        in_use += size;
        return p;
    }

    void give_back(char* p) {
        auto it = blocks.find(p);
        it->second.free = true;
        in_use -= it->second.size;
        auto next = std::next(it);  // merge with the following block
        if (next != blocks.end() && next->second.free && next->second.segment == it->second.segment) {
            unlist_free(next->first, next->second.size);
            it->second.size += next->second.size;
            blocks.erase(next);
        }
        if (it != blocks.begin()) {  // and with the preceding one
            auto prev = std::prev(it);
            if (prev->second.free && prev->second.segment == it->second.segment) {
                unlist_free(prev->first, prev->second.size);
                prev->second.size += it->second.size;
                blocks.erase(it);
                it = prev;
            }
        }
        char* start = it->first;
        const size_t size = it->second.size;
        if (start == it->second.segment && size == segments[start] && reserved - in_use > kMaxIdleBytes) {
            blocks.erase(it);  // a whole idle segment, and plenty more idle: unmap it
            segments.erase(start);
            reserved -= size;
            munmap(start, size);
            return;
        }
        free_by_size.emplace(size, start);
    }
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
        char* block = p.take(round_to_pages(bytes));
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
        p.give_back(static_cast<char*>(m));
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
    return pool().reserved - pool().in_use;
}

size_t storage_reserved_bytes() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().reserved;
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
