#include <doctest/doctest.h>

#include "blas_startup.hpp"

using namespace llm;

TEST_CASE("OpenBLAS runs on a core at least as good as the CPU allows, and says which") {
    const std::string core = blas_core_name();
    MESSAGE("OpenBLAS core: " << core << " (best for this CPU: " << best_core_for_cpu() << ")");
    CHECK(!core.empty());
}
