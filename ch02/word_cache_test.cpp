// The shared word cache: what goes in comes out, on any thread; the same
// piece kept once however many threads insert it; its limits hold.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <thread>

#include "word_cache.hpp"

using llm::ch02::WordCache;

namespace {
uint64_t h(std::string_view s) { return std::hash<std::string_view>{}(s); }
}  // namespace

TEST_CASE("WordCache: a piece's ids come back; an unknown piece is a miss") {
    WordCache cache;
    std::vector<int64_t> out{7};
    CHECK_FALSE(cache.find(" hello", h(" hello"), out));
    cache.insert(" hello", h(" hello"), {23748});
    cache.insert("Akwirw", h("Akwirw"), {33901, 86, 343, 86});
    CHECK(cache.find(" hello", h(" hello"), out));
    CHECK(cache.find("Akwirw", h("Akwirw"), out));
    CHECK(out == std::vector<int64_t>{7, 23748, 33901, 86, 343, 86});
    // same hash, other bytes: still a miss
    CHECK_FALSE(cache.find(" hellp", h(" hello"), out));
    CHECK(cache.size() == 2);
}

TEST_CASE("WordCache: four threads inserting the same pieces (and reading) keep each once") {
    WordCache cache;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5000; ++i) {
                const std::string piece = " w" + std::to_string(i);
                cache.insert(piece, h(piece), {i, i + 1});
                // meanwhile read what the other threads may be writing: whole or not at all
                const int j = (i * 7919) % 5000;
                const std::string other = " w" + std::to_string(j);
                std::vector<int64_t> out;
                if (cache.find(other, h(other), out)) CHECK(out == std::vector<int64_t>{j, j + 1});
            }
        });
    for (auto& t : threads) t.join();
    CHECK(cache.size() == 5000);
    for (int i = 0; i < 5000; i += 499) {
        const std::string piece = " w" + std::to_string(i);
        std::vector<int64_t> out;
        REQUIRE(cache.find(piece, h(piece), out));
        CHECK(out == std::vector<int64_t>{i, i + 1});
    }
}

TEST_CASE("WordCache: long pieces are not kept, and it stops growing when full") {
    WordCache cache;
    const std::string long_piece(WordCache::kMaxPieceBytes + 1, 'a');
    cache.insert(long_piece, h(long_piece), {64});
    std::vector<int64_t> out;
    CHECK_FALSE(cache.find(long_piece, h(long_piece), out));
    for (size_t i = 0; i < WordCache::kMaxEntries + 10; ++i) {
        const std::string piece = std::to_string(i);
        cache.insert(piece, h(piece), {1});
    }
    CHECK(cache.size() == WordCache::kMaxEntries);
    const std::string late = std::to_string(WordCache::kMaxEntries + 5);
    CHECK_FALSE(cache.find(late, h(late), out));
}
