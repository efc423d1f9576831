// The memory pool behind Storage's large buffers (storage.cpp holds the one
// the process uses; tests make their own). Memory comes from segments kept
// for the life of the pool. A request takes the smallest free block that
// fits (best fit) and leaves the rest free; a freed block merges with free
// neighbours in its segment. Not thread-safe: the caller locks.
#pragma once
#include <cstddef>
#include <map>

namespace llm {

class BlockPool {
public:
    explicit BlockPool(size_t segment_bytes, size_t max_idle_bytes);
    ~BlockPool();  // unmaps every segment
    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;

    void* take(size_t bytes);  // bytes: a multiple of the page size
    void give_back(void* p);  // p: from take()
    size_t release_idle();  // unmaps every segment with nothing in use; returns the bytes
    size_t reserved() const { return reserved_; }  // bytes in segments
    size_t in_use() const { return in_use_; }  // bytes handed out

private:
    struct Block {
        size_t size;
        bool free;
        char* segment;  // blocks merge only within their segment
    };
    void unlist_free(char* p, size_t size);
    size_t segment_bytes_, max_idle_bytes_;
    std::map<char*, Block> blocks_;  // every block, by address
    std::multimap<size_t, char*> free_by_size_;  // the free ones, smallest first
    std::map<char*, size_t> segments_;  // segment start -> bytes
    size_t reserved_ = 0, in_use_ = 0;
};

}  // namespace llm
