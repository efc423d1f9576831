// Helpers for the doctest checks: fixture discovery, approximate
// comparison, and the finite-difference gradient checker.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace llm::testing {

// Every file under the fixture root (recursively) for which match(path) holds,
// sorted. Throws when the fixture root does not exist.
std::vector<std::filesystem::path> find_fixtures(const std::function<bool(const std::filesystem::path&)>& match);
// The folders under the fixture root holding all of the given file names.
std::vector<std::filesystem::path> find_fixture_dirs(const std::vector<std::string>& required_files);

// |got - expected| <= atol + rtol * |expected|, elementwise; on failure the
// message says where and by how much.
struct Closeness {
    bool ok = true;
    std::string message;
};
Closeness all_close(const std::vector<float>& got, const std::vector<float>& expected, double atol, double rtol);
Closeness all_close(const Tensor& got, const std::vector<float>& expected, double atol, double rtol);

// Finite-difference gradient check of f (which returns any tensor) at the
// inputs: compares autograd's gradient of sum(f(x) * w), for a fixed random
// w, with central differences (f(x + eps) - f(x - eps)) / 2eps, computed in
// double from float32 evaluations. Returns an empty string when all match.
std::string gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f, std::vector<Tensor> inputs,
                      double eps = 1e-2, double atol = 2e-3, double rtol = 2e-2);

}  // namespace llm::testing
