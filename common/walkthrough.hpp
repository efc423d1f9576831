// Two helpers every chapter program's walkthrough uses to print its steps.
#pragma once
#include <cstdio>
#include <iostream>

#include "tensor.hpp"

namespace llm {

// "\n== 3.5.3 A compact causal attention class ==", flushed at once so
// headings appear before long computations.
inline void section(const char* title) {
    std::printf("\n== %s ==\n", title);
    std::fflush(stdout);
}

// label followed by the tensor in PyTorch's print format.
inline void show(const char* label, const Tensor& t) { std::cout << label << t << std::endl; }

}  // namespace llm
