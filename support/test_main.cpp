// The main() of every doctest binary: fix OpenBLAS's core first, then run.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "blas_startup.hpp"

int main(int argc, char** argv) {
    llm::blas_startup(argc, argv);
    doctest::Context context(argc, argv);
    return context.run();
}
