// Which sgemm for the products of a GPT-2 124M training step (batch 2 x 256)?
// OpenBLAS (what llm::sgemm calls), BLIS (Debian's OpenMP build, loaded at
// run time when installed: it exports the same cblas_sgemm symbol) and our
// packed sgemm with each micro-kernel, alternating shape by shape, each
// checked against OpenBLAS before it is timed. ./book bench sgemm
#include <dlfcn.h>

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <cstdio>
#include <functional>
#include <omp.h>
#include <string>
#include <vector>

#include "bench.hpp"
#include "blas_startup.hpp"
#include "packed_sgemm.hpp"
#include "random.hpp"

namespace {

using Sgemm = std::function<void(bool, bool, int64_t, int64_t, int64_t, const float*, int64_t,
                                 const float*, int64_t, float*, int64_t)>;
struct Candidate {
    std::string name;
    Sgemm run;
    double flops = 0, seconds = 0;
};

// BLIS's CBLAS from its own library, kept apart from OpenBLAS's (RTLD_DEEPBIND).
Sgemm load_blis() {
    void* lib = dlopen("/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4",
                       RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!lib) return nullptr;
    using CblasSgemm = void (*)(int, int, int, int, int, int, float, const float*, int,
                                const float*, int, float, float*, int);
    auto sgemm = reinterpret_cast<CblasSgemm>(dlsym(lib, "cblas_sgemm"));
    if (!sgemm) return nullptr;
    // BLIS runs on one thread unless told (BLIS_NUM_THREADS or this call)
    using SetThreads = void (*)(long);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(lib, "bli_thread_set_num_threads")))
        set(omp_get_max_threads());
    return [sgemm](bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                   const float* B, int64_t ldb, float* C, int64_t ldc) {
        sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M),
              int(N), int(K), 1.0f, A, int(lda), B, int(ldb), 0.0f, C, int(ldc));
    };
}

Sgemm packed(llm::MicroKernel k) {
    return [k](bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
               const float* B, int64_t ldb, float* C, int64_t ldc) {
        llm::packed_sgemm(k, ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc);
    };
}

}  // namespace

int main(int argc, char** argv) {
    llm::blas_startup(argc, argv);
    std::vector<Candidate> cands;
    cands.push_back({"openblas",
                     [](bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A,
                        int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc) {
                         cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                                     tb ? CblasTrans : CblasNoTrans, int(M), int(N), int(K), 1.0f,
                                     A, int(lda), B, int(ldb), 0.0f, C, int(ldc));
                     }});
    if (Sgemm blis = load_blis())
        cands.push_back({"blis", blis});
    else
        std::printf("  BLIS: not installed (libblis-dev), left out\n");
    cands.push_back({"packed_6x16", packed(llm::MicroKernel::k6x16)});
    if (llm::micro_kernel_available(llm::MicroKernel::k8x24)) {
        cands.push_back({"packed_8x24", packed(llm::MicroKernel::k8x24)});
        cands.push_back({"packed_14x32", packed(llm::MicroKernel::k14x32)});
        cands.push_back({"packed_8x48", packed(llm::MicroKernel::k8x48)});
    } else {
        std::printf("  8x24, 14x32, 8x48 micro-kernels: need AVX-512, left out\n");
    }

    // The step's products: x @ W^T forward (NT), dX = dY @ W (NN), dW = dY^T @ X (TN).
    struct Shape {
        bool ta, tb;
        int64_t M, N, K;
    };
    const Shape shapes[] = {{false, true, 512, 2304, 768},   {false, true, 512, 768, 768},
                            {false, true, 512, 3072, 768},   {false, true, 512, 768, 3072},
                            {false, true, 512, 50257, 768},  {false, false, 512, 768, 3072},
                            {false, false, 512, 768, 50257}, {true, false, 3072, 768, 512},
                            {true, false, 768, 3072, 512},   {true, false, 50257, 768, 512}};
    llm::Generator gen(123);
    for (const Shape& s : shapes) {
        const int64_t lda = s.ta ? s.M : s.K, ldb = s.tb ? s.K : s.N;
        const llm::Tensor A = llm::rand({s.M * s.K}, gen), B = llm::rand({s.K * s.N}, gen);
        std::vector<std::vector<float>> C(cands.size(), std::vector<float>(size_t(s.M * s.N)));
        for (size_t c = 0; c < cands.size(); ++c) {  // correct first, then timed
            cands[c].run(s.ta, s.tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, C[c].data(), s.N);
            float worst = 0;
            for (size_t i = 0; i < C[c].size(); ++i)
                worst = std::max(worst, std::fabs(C[c][i] - C[0][i]) / (1.0f + std::fabs(C[0][i])));
            if (worst > 1e-4f) {
                std::fprintf(stderr, "%s differs from OpenBLAS by %g\n", cands[c].name.c_str(),
                             worst);
                return 1;
            }
        }
        const double flops = 2.0 * double(s.M) * double(s.N) * double(s.K);
        const int reps = flops > 2e10 ? 1 : 3;
        std::printf("  %c%c %5ld x %5ld x %5ld:", s.ta ? 'T' : 'N', s.tb ? 'T' : 'N', s.M, s.N,
                    s.K);
        std::vector<double> best(cands.size(), 1e30);
        for (int round = 0; round < 3; ++round)  // alternating, the best round of each
            for (size_t c = 0; c < cands.size(); ++c)
                best[c] = std::min(best[c], llm::bench::fastest_of(reps, [&] {
                                       cands[c].run(s.ta, s.tb, s.M, s.N, s.K, A.data(), lda,
                                                    B.data(), ldb, C[c].data(), s.N);
                                   }));
        for (size_t c = 0; c < cands.size(); ++c) {
            cands[c].flops += flops;
            cands[c].seconds += best[c];
            std::printf(" %s %.0f", cands[c].name.c_str(), flops / best[c] / 1e9);
        }
        std::printf(" GFLOP/s\n");
    }
    const double peak = llm::bench::fma_peak_gflops();
    llm::bench::record("fma_peak_gflops", peak, "GFLOP/s");
    for (const Candidate& c : cands) {
        const double rate = c.flops / c.seconds / 1e9;
        llm::bench::record("sgemm_" + c.name + "_gflops", rate, "GFLOP/s");
        llm::bench::record("sgemm_" + c.name + "_share_of_fma_peak", rate / peak, "ratio");
        llm::bench::record("sgemm_" + c.name + "_vs_openblas",
                           rate / (cands[0].flops / cands[0].seconds / 1e9), "ratio");
    }
}
