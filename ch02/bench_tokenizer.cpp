// BENCH bpe_encode_mbps / bpe_decode_mbps: GPT-2 encode and decode
// throughput, one thread, on every fixture text joined (about 0.8 MB of
// licences, code, man pages in 11 languages, release notes, Unicode stress).
// The tokenizer is loaded fresh, so the word cache starts empty. Then
// bpe_encode_parallel_mbps and _speedup: the batch encode on every core
// against one thread, on 13 MB.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <omp.h>

#include "bench.hpp"
#include "blas_startup.hpp"
#include "encode_parallel.hpp"
#include "gpt2_bpe.hpp"
#include "paths.hpp"

using namespace llm;

int main(int argc, char** argv) {
    blas_startup(argc, argv);
    std::string corpus;
    for (const auto& e : std::filesystem::recursive_directory_iterator(fixtures_dir()))
        if (e.path().extension() == ".txt") corpus += read_file(e.path());
    const std::string verdict = read_file(data_dir() / "the-verdict.txt");
    const double t_load = bench::now();
    const auto tok = ch02::GPT2Tokenizer::from_data_dir();
    std::printf("  loading encoder.json + vocab.bpe: %.0f ms\n", (bench::now() - t_load) * 1e3);

    double t0 = bench::now();
    const auto ids = tok.encode_ordinary(corpus);  // cold cache
    const double cold = bench::now() - t0;
    t0 = bench::now();
    const auto ids2 = tok.encode_ordinary(corpus);  // warm cache
    const double warm = bench::now() - t0;
    t0 = bench::now();
    std::string back;
    for (int r = 0; r < 10; ++r) back = tok.decode(ids);
    const double dec = (bench::now() - t0) / 10;
    std::printf("  corpus: %.2f MB, %zu tokens; round trip %s\n", corpus.size() / 1e6, ids.size(),
                back == corpus ? "exact" : "BROKEN");
    bench::record("bpe_encode_mbps", corpus.size() / 1e6 / cold, "MB/s");
    bench::record("bpe_encode_warm_mbps", corpus.size() / 1e6 / warm, "MB/s");
    bench::record("bpe_decode_mbps", corpus.size() / 1e6 / dec, "MB/s");
    const auto fresh = ch02::GPT2Tokenizer::from_data_dir();
    t0 = bench::now();
    const auto v = fresh.encode(verdict);
    const double tv = bench::now() - t0;
    std::printf("  the-verdict: %zu tokens in %.2f ms (cold cache): %.1f MB/s\n", v.size(),
                tv * 1e3, verdict.size() / 1e6 / tv);
    // The library's batch encode on every core against one thread, each with
    // a fresh tokenizer (cold word cache), on the corpus sixteen times over
    // (13 MB); three rounds alternating, the fastest of each.
    std::string big;
    for (int r = 0; r < 16; ++r) big += corpus;
    const int threads = omp_get_max_threads();
    double rate[2] = {0, 0};
    std::vector<int64_t> by_threads[2];
    for (int round = 0; round < 3; ++round)
        for (int k = 0; k < 2; ++k) {
            omp_set_num_threads(k == 0 ? 1 : threads);
            const auto t = ch02::GPT2Tokenizer::from_data_dir();
            const double start = bench::now();
            by_threads[k] = ch02::encode_ordinary_parallel(t, big, size_t{256} << 10);
            rate[k] = std::max(rate[k], big.size() / 1e6 / (bench::now() - start));
        }
    omp_set_num_threads(threads);
    std::printf(
        "  encode_ordinary_parallel on %.1f MB: 1 thread %.1f MB/s, %d threads %.1f MB/s%s\n",
        big.size() / 1e6, rate[0], threads, rate[1],
        by_threads[0] == by_threads[1] ? "" : " (ids DIFFER)");
    bench::record("bpe_encode_parallel_mbps", rate[1], "MB/s");
    bench::record("bpe_encode_parallel_speedup", rate[1] / rate[0], "ratio");
    return ids == ids2 && back == corpus && by_threads[0] == by_threads[1] ? 0 : 1;
}
