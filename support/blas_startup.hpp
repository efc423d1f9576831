// The project's OpenBLAS start-up fix: not PyTorch's, ours (every program
// calls it first).
#pragma once
#include <string>

namespace llm {

// Call first thing in main(). Debian's OpenBLAS 0.3.21 does not know some
// recent CPUs and falls back to generic kernels ("Prescott"), several times
// slower. If the core OpenBLAS chose is weaker than what this CPU supports,
// and the user has not set OPENBLAS_CORETYPE, restart the program with the
// best core set, printing one line saying so. OpenBLAS reads the variable
// when the library loads, hence the restart.
void blas_startup(int argc, char** argv);

// The core OpenBLAS runs on ("Haswell", "SkylakeX", "Zen", "Prescott" ...).
std::string blas_core_name();
// The best OpenBLAS core this CPU's features allow.
std::string best_core_for_cpu();

}  // namespace llm
