// The word cache of a GPT-2 tokenizer: pieces already encoded and their ids,
// so a piece that comes again is not merged again (most pieces of a text
// repeat). One cache is shared by every thread that encodes with the
// tokenizer, so two threads never merge the same word twice: a fixed table
// of pointers to entries that never change once written, filled by
// compare-and-swap (no locks; readers see an entry whole or not at all).
// It keeps the first kMaxEntries pieces met (in a natural text the common
// ones come early); later new pieces are merged each time they come.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace llm::ch02 {

class WordCache {
public:
    static constexpr size_t kMaxEntries = size_t{1} << 18;
    static constexpr size_t kMaxPieceBytes = 128;  // longer pieces are rare: not kept
    static constexpr size_t kMaxBlocks = 512;  // 32 MB of entries at most

    WordCache();
    ~WordCache();
    WordCache(const WordCache&) = delete;
    WordCache& operator=(const WordCache&) = delete;

    // Appends piece's ids to out and returns true when the piece is kept.
    bool find(std::string_view piece, uint64_t hash, std::vector<int64_t>& out) const;
    // Keeps piece -> ids (a no-op when full, or when another thread was first).
    void insert(std::string_view piece, uint64_t hash, const std::vector<int32_t>& ids);
    size_t size() const;

private:
    struct Entry;
    Entry* allocate(size_t bytes);  // null when the cache holds kMaxBlocks
    void* map_ = nullptr;  // the slots' memory
    const Entry** slots_;  // kSlots pointers, null where empty
    const uint64_t owner_;  // tells this cache's blocks from another's in a thread's allocator
    // Written on every insert: on a cache line of its own, so that it does not
    // take slots_ away from the other core's cache on each insert (false sharing).
    alignas(64) std::atomic<size_t> entries_{0};
    alignas(64) std::mutex blocks_mutex_;
    std::vector<std::unique_ptr<char[]>> blocks_;  // where the entries live
};

}  // namespace llm::ch02
