#include "word_cache.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>

namespace llm::ch02 {

namespace {
constexpr size_t kSlots = WordCache::kMaxEntries * 2;  // at most half full
constexpr size_t kBlockBytes = size_t{64} << 10;
std::atomic<uint64_t> next_owner{0};
}  // namespace

// An entry: its hash, sizes, the ids, then the piece's bytes.
struct WordCache::Entry {
    uint64_t hash;
    uint32_t n_bytes, n_ids;
    const int32_t* ids() const { return reinterpret_cast<const int32_t*>(this + 1); }
    const char* bytes() const { return reinterpret_cast<const char*>(ids() + n_ids); }
};

// The slot table in 2 MB pages where the kernel offers them: two page faults
// instead of a thousand for a cache that fills (each fault costs microseconds
// under a hypervisor).
namespace {
constexpr size_t kSlotBytes = kSlots * sizeof(void*);
constexpr size_t kHuge = size_t{2} << 20;
}  // namespace

WordCache::WordCache() : owner_(next_owner.fetch_add(1) + 1) {
    void* p = ::mmap(nullptr, kSlotBytes + kHuge, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    map_ = p;
    const auto aligned = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
    ::madvise(reinterpret_cast<void*>(aligned), kSlotBytes, MADV_HUGEPAGE);  // a hint only
    slots_ = reinterpret_cast<const Entry**>(aligned);  // zeroed by the kernel
}

WordCache::~WordCache() { ::munmap(map_, kSlotBytes + kHuge); }

size_t WordCache::size() const { return entries_.load(std::memory_order_relaxed); }

bool WordCache::find(std::string_view piece, uint64_t hash, std::vector<int64_t>& out) const {
    for (size_t s = hash & (kSlots - 1);; s = (s + 1) & (kSlots - 1)) {
        const Entry* e = std::atomic_ref<const Entry*>(slots_[s]).load(std::memory_order_acquire);
        if (!e) return false;
        if (e->hash == hash && e->n_bytes == piece.size() &&
            std::memcmp(e->bytes(), piece.data(), piece.size()) == 0) {
            for (uint32_t i = 0; i < e->n_ids; ++i) out.push_back(e->ids()[i]);  // mostly one
            return true;
        }
    }
}

// Bump allocation from 64 KB blocks: each thread fills its own block, and
// takes the lock only to get a new one (or when it moves between caches).
WordCache::Entry* WordCache::allocate(size_t bytes) {
    thread_local struct {
        uint64_t owner = 0;
        char* at = nullptr;
        size_t left = 0;
    } bump;
    bytes = (bytes + 7) & ~size_t{7};
    if (bump.owner != owner_ || bump.left < bytes) {
        // bounded even when threads go back and forth between caches
        std::unique_ptr<char[]> block(new char[kBlockBytes]);  // not zeroed: written before read
        const std::lock_guard<std::mutex> lock(blocks_mutex_);
        if (blocks_.size() >= kMaxBlocks) return nullptr;
        blocks_.push_back(std::move(block));
        bump = {owner_, blocks_.back().get(), kBlockBytes};
    }
    char* p = bump.at;
    bump.at += bytes;
    bump.left -= bytes;
    return reinterpret_cast<Entry*>(p);
}

void WordCache::insert(std::string_view piece, uint64_t hash, const std::vector<int32_t>& ids) {
    if (piece.size() > kMaxPieceBytes || size() >= kMaxEntries) return;
    Entry* e = allocate(sizeof(Entry) + ids.size() * sizeof(int32_t) + piece.size());
    if (!e) return;
    e->hash = hash;
    e->n_bytes = static_cast<uint32_t>(piece.size());
    e->n_ids = static_cast<uint32_t>(ids.size());
    std::memcpy(const_cast<int32_t*>(e->ids()), ids.data(), ids.size() * sizeof(int32_t));
    std::memcpy(const_cast<char*>(e->bytes()), piece.data(), piece.size());
    for (size_t s = hash & (kSlots - 1);; s = (s + 1) & (kSlots - 1)) {
        std::atomic_ref<const Entry*> slot(slots_[s]);
        const Entry* seen = nullptr;
        if (slot.compare_exchange_strong(seen, e, std::memory_order_release,
                                         std::memory_order_acquire)) {
            entries_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (seen->hash == hash && seen->n_bytes == piece.size() &&
            std::memcmp(seen->bytes(), piece.data(), piece.size()) == 0)
            return;  // another thread kept it first
    }
}

}  // namespace llm::ch02
