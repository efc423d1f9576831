// The machine's own limits, which every other benchmark is a share of:
// sgemm_gflops (GPT-shaped products) and mem_bandwidth_gbs (a triad).
#include <cstdio>

#include "bench.hpp"
#include "blas.hpp"

int main(int argc, char** argv) {
    llm::blas_startup(argc, argv);
    std::printf("OpenBLAS core: %s\n", llm::blas_core_name().c_str());
    llm::bench::record("sgemm_gflops", llm::bench::sgemm_gflops(), "GFLOP/s");
    llm::bench::record("mem_bandwidth_gbs", llm::bench::mem_bandwidth_gbs(), "GB/s");
}
