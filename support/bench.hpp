// Helpers shared by the benchmarks: the machine's own limits measured in
// the same run (so figures are ratios, robust on a noisy machine), and
// recording "BENCH name value unit" lines into build/bench.json.
#pragma once
#include <functional>
#include <string>

namespace llm::bench {

// The machine's arithmetic peak: a register-only loop of independent fused
// multiply-adds on every core of the OpenMP pool, GFLOP/s, in the widest
// registers the build targets (512-bit where AVX-512 is on, else AVX2's
// 256-bit). No product can beat it.
double fma_peak_gflops();
// sgemm throughput on the products of a GPT-2 124M training step, GFLOP/s.
double sgemm_gflops();
// Streaming triad a = b + s*c over 3 x 256 MB, GB/s (both cores).
double mem_bandwidth_gbs();
// Reading 512 MB once (a sum over it, both cores, 2 MB pages), GB/s: what
// batch-1 generation does with the weights, so the limit it is measured against.
double mem_read_bandwidth_gbs();
// Seconds of wall-clock time since an arbitrary start.
double now();
// The shortest wall-clock time of `reps` runs of `run` (seconds).
double fastest_of(int reps, const std::function<void()>& run);
// Prints "BENCH name value unit" and appends it to $LLM_BENCH_JSON (if set).
void record(const std::string& name, double value, const std::string& unit);
// A step's products as shares of this run's limits: `flops` done in
// `seconds`, recorded as NAME_gflops, NAME_share_of_sgemm and
// NAME_share_of_fma_peak against the last sgemm_gflops() and
// fma_peak_gflops() this process measured (measured now if it has not).
void record_shares(const std::string& name, double flops, double seconds);
// The sgemm/sgemv work of one call of `run` (blas_flops() before and after).
double flops_of(const std::function<void()>& run);

}  // namespace llm::bench
