// Helpers every chapter program's walkthrough uses to print its steps in the
// form the book's notebooks print them (Python's repr, PyTorch's tensors).
#pragma once
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

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

// Python's repr of a str: single quotes unless the text holds a single quote
// and no double quote; backslash, the quote and control characters escaped.
inline std::string py_repr(const std::string& s) {
    const bool dq = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char q = dq ? '"' : '\'';
    std::string out(1, q);
    for (const char c : s) {
        if (c == q || c == '\\')
            out += '\\', out += c;
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out + q;
}

// Python's print of a float: the shortest digits that read back the same
// (3.8259087562561036), with ".0" on whole numbers.
inline std::string py_float(double x) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
    std::string s(buf, end);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

// Python's print of a list: ['a', 'b'] or [1, 2].
inline std::string py_list(const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + py_repr(v[i]);
    return out + "]";
}
inline std::string py_list(const std::vector<int64_t>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
    return out + "]";
}

// torch.Size([8, 4, 256])
inline std::string torch_size(const Shape& s) {
    std::string out = "torch.Size([";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "])";
}

}  // namespace llm
