// The machine's own limits, which every other benchmark is a share of:
// sgemm_gflops (GPT-shaped products) and mem_bandwidth_gbs (a triad); and
// the run's own noise: how far three measurements of the same products in this
// run lie apart, which `./book bench --compare` takes as the change a figure
// may show without being called a regression; and the machine's kind, the
// widest vector registers the build runs on (512 bits where the hypervisor
// shows AVX-512, else 256), so that a comparison can tell runs of different
// kinds apart.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "bench.hpp"
#include "blas.hpp"
#include "blas_startup.hpp"
#include "vector_register.hpp"

int main(int argc, char** argv) {
    llm::blas_startup(argc, argv);
    std::printf("OpenBLAS core: %s; llm::sgemm runs %s\n", llm::blas_core_name().c_str(),
                llm::packed_sgemm_in_use() ? "our packed AVX-512 sgemm" : "OpenBLAS");
    std::vector<double> rates;
    for (int i = 0; i < 3; ++i) rates.push_back(llm::bench::sgemm_gflops());
    const auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
    llm::bench::record("sgemm_gflops", *hi, "GFLOP/s");
    llm::bench::record("run_noise", (*hi - *lo) / *hi, "fraction");
    llm::bench::record("mem_bandwidth_gbs", llm::bench::mem_bandwidth_gbs(), "GB/s");
    llm::bench::record("vector_bits", 32.0 * llm::kRegisterFloats, "bits");
}
