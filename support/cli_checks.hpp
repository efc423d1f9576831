// Checks for the programs' command-line options (CLI11 validators), so that a
// bad value is an error naming the option before any work starts.
#pragma once
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <string>

namespace llm {

// A floating-point option: finite and within [lo, hi]. CLI11's own Range lets
// NaN through (every comparison with NaN is false), so `--temperature nan`
// used to be accepted and behaved like greedy decoding.
inline CLI::Validator FiniteRange(double lo, double hi) {
    auto text = [](double x) {
        std::string s = std::to_string(x);
        s.erase(s.find_last_not_of('0') + 1);
        return s.back() == '.' ? s + "0" : s;
    };
    return CLI::Validator(
        [=](std::string& s) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (s.empty() || end == s.c_str() || *end != '\0') return "'" + s + "' is not a number";
            if (!std::isfinite(v)) return "must be a finite number, got '" + s + "'";
            if (v < lo || v > hi)
                return "must be between " + text(lo) + " and " + text(hi) + ", got " + s;
            return "";
        },
        "FLOAT in [" + text(lo) + " - " + text(hi) + "]");
}

// An unsigned option (seeds): CLI11 would read -1 as 2^64 - 1.
inline CLI::Validator NonNegativeInteger() {
    return CLI::Validator(
        [](std::string& s) -> std::string {
            if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
                return "must be a non-negative whole number, got '" + s + "'";
            return "";
        },
        "UINT");
}

}  // namespace llm
