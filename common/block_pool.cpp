#include "block_pool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <iterator>
#include <new>

namespace llm {

BlockPool::BlockPool(size_t segment_bytes, size_t max_idle_bytes)
    : segment_bytes_(segment_bytes), max_idle_bytes_(max_idle_bytes) {}

BlockPool::~BlockPool() {
    for (const auto& [start, bytes] : segments_) munmap(start, bytes);
}

void BlockPool::unlist_free(char* p, size_t size) {
    auto [lo, hi] = free_by_size_.equal_range(size);
    for (auto it = lo; it != hi; ++it)
        if (it->second == p) {
            free_by_size_.erase(it);
            return;
        }
}

void* BlockPool::take(size_t size) {
    auto fit = free_by_size_.lower_bound(size);
    if (fit == free_by_size_.end()) {  // nothing fits: a new segment
        const size_t bytes = std::max(size, segment_bytes_);
        void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) throw std::bad_alloc();
        // 2 MB pages where the kernel offers them (THP in "madvise" mode): one fault
        // instead of 512 when a segment is first written (loading weights: 1.6 GB)
        madvise(m, bytes, MADV_HUGEPAGE);
        char* s = static_cast<char*>(m);
        segments_[s] = bytes;
        reserved_ += bytes;
        blocks_[s] = {bytes, true, s};
        fit = free_by_size_.emplace(bytes, s);
    }
    char* p = fit->second;
    free_by_size_.erase(fit);
    Block& b = blocks_[p];
    if (b.size > size) {  // split: the tail stays free
        blocks_[p + size] = {b.size - size, true, b.segment};
        free_by_size_.emplace(b.size - size, p + size);
        b.size = size;
    }
    b.free = false;
    in_use_ += size;
    return p;
}

void BlockPool::give_back(void* m) {
    auto it = blocks_.find(static_cast<char*>(m));
    it->second.free = true;
    in_use_ -= it->second.size;
    auto next = std::next(it);  // merge with the following block
    if (next != blocks_.end() && next->second.free && next->second.segment == it->second.segment) {
        unlist_free(next->first, next->second.size);
        it->second.size += next->second.size;
        blocks_.erase(next);
    }
    if (it != blocks_.begin()) {  // and with the preceding one
        auto prev = std::prev(it);
        if (prev->second.free && prev->second.segment == it->second.segment) {
            unlist_free(prev->first, prev->second.size);
            prev->second.size += it->second.size;
            blocks_.erase(it);
            it = prev;
        }
    }
    char* start = it->first;
    const size_t size = it->second.size;
    if (start == it->second.segment && size == segments_[start] &&
        reserved_ - in_use_ > max_idle_bytes_) {
        blocks_.erase(it);  // a whole idle segment, and plenty more idle: unmap it
        segments_.erase(start);
        reserved_ -= size;
        munmap(start, size);
        return;
    }
    free_by_size_.emplace(size, start);
}

size_t BlockPool::release_idle() {
    size_t released = 0;
    for (auto seg = segments_.begin(); seg != segments_.end();) {
        auto b = blocks_.find(seg->first);
        if (b != blocks_.end() && b->second.free &&
            b->second.size == seg->second) {  // one free block: the whole segment
            unlist_free(seg->first, seg->second);
            blocks_.erase(b);
            munmap(seg->first, seg->second);
            reserved_ -= seg->second;
            released += seg->second;
            seg = segments_.erase(seg);
        } else {
            ++seg;
        }
    }
    return released;
}

}  // namespace llm
