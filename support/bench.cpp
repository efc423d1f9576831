#include "bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <omp.h>
#include <sys/mman.h>
#include <fstream>
#include <vector>

#include "blas.hpp"
#include "vector_register.hpp"

namespace llm::bench {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double fastest_of(int reps, const std::function<void()>& run) {
    double best = 1e30;
    for (int i = 0; i < reps; ++i) {
        const double t0 = now();
        run();
        best = std::min(best, now() - t0);
    }
    return best;
}

namespace {
double g_last_peak = 0, g_last_sgemm = 0;  // this run's limits, once measured
}  // namespace

double fma_peak_gflops() {
#ifdef __AVX512F__
    using vec = float __attribute__((vector_size(64)));  // 16 floats: one AVX-512 register
#else
    using vec = float __attribute__((vector_size(32)));  // 8 floats: one AVX2 register
#endif
    constexpr int kAcc = 12;  // independent chains: enough to cover the FMA latency on two pipes
    constexpr long kIters = 20'000'000;
    double best = 0;
    for (int round = 0; round < 3; ++round) {
        double flops = 0;
        float sink = 0;
        const double t0 = now();
#pragma omp parallel reduction(+ : flops, sink)
        {
            vec acc[kAcc];
            for (int k = 0; k < kAcc; ++k) acc[k] = vec{} + static_cast<float>(k) * 1e-3f;
            const vec a = vec{} + 0.999999f, b = vec{} + 1e-7f;
            for (long i = 0; i < kIters; ++i)
                for (int k = 0; k < kAcc; ++k) acc[k] = acc[k] * a + b;  // contracted to one FMA
            for (int k = 0; k < kAcc; ++k)
                for (size_t j = 0; j < sizeof(vec) / sizeof(float); ++j) sink += acc[k][j];
            flops += 2.0 * (sizeof(vec) / sizeof(float)) * kAcc * static_cast<double>(kIters);
        }
        const double secs = now() - t0;
        if (sink == 12345.0f) std::printf(" ");  // keeps the loop's result alive
        best = std::max(best, flops / secs / 1e9);
    }
    return g_last_peak = best;
}

double sgemm_gflops() {
    // [rows, in] x [in, out] for rows = 2 x 256 tokens: the QKV, projection,
    // feed-forward and output-head products of GPT-2 124M.
    struct P {
        int m, k, n;
    };
    // The best of three rounds: on a shared machine a single round can catch
    // a slow moment, and the shares reported against this figure would then
    // flatter us.
    const P shapes[] = {
        {512, 768, 2304}, {512, 768, 768}, {512, 768, 3072}, {512, 3072, 768}, {512, 768, 50257}};
    double best = 0;
    for (int round = 0; round < 3; ++round) {
        double flops = 0, secs = 0;
        for (const P& p : shapes) {
            std::vector<float> A(static_cast<size_t>(p.m) * p.k, 0.5f),
                B(static_cast<size_t>(p.k) * p.n, 0.25f), C(static_cast<size_t>(p.m) * p.n);
            sgemm(false, true, p.m, p.n, p.k, 1.0f, A.data(), p.k, B.data(), p.k, 0.0f, C.data(),
                  p.n);  // warm-up
            const int reps = p.n > 10000 ? 2 : 6;
            const double t0 = now();
            for (int r = 0; r < reps; ++r)
                sgemm(false, true, p.m, p.n, p.k, 1.0f, A.data(), p.k, B.data(), p.k, 0.0f,
                      C.data(), p.n);
            secs += now() - t0;
            flops += 2.0 * p.m * p.k * p.n * reps;
        }
        best = std::max(best, flops / secs / 1e9);
    }
    return g_last_sgemm = best;
}

double mem_bandwidth_gbs() {
    const size_t n = 64u << 20;  // 64 Mi floats = 256 MB per array
    std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        const double t0 = now();
#pragma omp parallel for simd
        for (size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0f * c[i];
        const double t = now() - t0;
        best = std::max(best, 3.0 * n * sizeof(float) / t / 1e9);
    }
    if (a[n / 2] != 7.0f) std::fprintf(stderr, "triad check failed\n");
    return best;
}

double mem_read_bandwidth_gbs() {
    // 512 MB in 2 MB pages (as the memory pool gives the model's weights), filled by both threads
    const size_t n = size_t{128} << 20, bytes = n * sizeof(float);
    float* a = static_cast<float*>(std::aligned_alloc(size_t{2} << 20, bytes));
    if (!a) return 0;
    madvise(a, bytes, MADV_HUGEPAGE);
#pragma omp parallel for
    for (size_t i = 0; i < n; ++i) a[i] = 1.0f;
    // One register's width per load, as the matrix-vector products read: 16 floats with
    // AVX-512, 8 with AVX2 (there a 64-byte vector, two ymm per load, read 5-35% slower in
    // the same minutes and understated the limit).
    constexpr size_t W = kRegisterFloats;
    typedef register_vec vec;
    const size_t nt = static_cast<size_t>(omp_get_max_threads());
    const size_t part = n / nt / 4 / W * W;  // floats per stream
    double best = 0, total = 0;
    for (int rep = 0; rep < 5; ++rep) {
        const double t0 = now();
        float sum = 0;
#pragma omp parallel num_threads(static_cast <int>(nt)) reduction(+ : sum)
        {
            // each thread reads its half as four streams side by side (a quarter apart): more
            // reads in flight than one stream gets, the fastest pattern found here (with
            // AVX-512 one stream 49-64 GB/s, four 56-79, eight 61-75 in the same minutes; on
            // the AVX2 machine kind two 29-34, four 33-45, eight 33-35)
            const float* p = a + static_cast<size_t>(omp_get_thread_num()) * part * 4;
            vec acc[4] = {};  // one chain per stream
            for (size_t i = 0; i < part; i += W)
                for (int k = 0; k < 4; ++k) {
                    vec v;
                    std::memcpy(&v, p + static_cast<size_t>(k) * part + i, sizeof v);
                    acc[k] += v;
                }
            for (const vec& v : acc)
                for (size_t j = 0; j < W; ++j) sum += v[j];
        }
        best =
            std::max(best, static_cast<double>(nt * 4 * part * sizeof(float)) / (now() - t0) / 1e9);
        total += sum;
    }
    std::free(a);
    if (total != 5.0 * static_cast<double>(nt * 4 * part))  // every float read once per pass
        std::fprintf(stderr, "read stream check failed\n");
    return best;
}

void record(const std::string& name, double value, const std::string& unit) {
    std::printf("BENCH %s %.4g %s\n", name.c_str(), value, unit.c_str());
    std::fflush(stdout);
    if (const char* path = std::getenv("LLM_BENCH_JSON"); path && *path) {
        std::ofstream out(path,
                          std::ios::app);  // one JSON object per line; ./book bench merges them
        out << "{\"name\": \"" << name << "\", \"value\": " << value << ", \"unit\": \"" << unit
            << "\"}\n";
    }
}

double flops_of(const std::function<void()>& run) {
    const double before = blas_flops();
    run();
    return blas_flops() - before;
}

void record_shares(const std::string& name, double flops, double seconds) {
    if (g_last_peak == 0) record("fma_peak_gflops", fma_peak_gflops(), "GFLOP/s");
    if (g_last_sgemm == 0) record("sgemm_gflops", sgemm_gflops(), "GFLOP/s");
    const double gflops = flops / seconds / 1e9;
    record(name + "_gflops", gflops, "GFLOP/s");
    record(name + "_share_of_sgemm", gflops / g_last_sgemm, "ratio");
    record(name + "_share_of_fma_peak", gflops / g_last_peak, "ratio");
    std::printf(
        "  %s: %.1f GFLOP of products per step, %.0f GFLOP/s: %.0f%% of sgemm, %.0f%% of the FMA peak\n",
        name.c_str(), flops / 1e9, gflops, 100 * gflops / g_last_sgemm, 100 * gflops / g_last_peak);
}

}  // namespace llm::bench
