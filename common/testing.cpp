#include "testing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "autograd.hpp"
#include "error.hpp"
#include "ops.hpp"
#include "paths.hpp"
#include "random.hpp"

namespace llm::testing {

namespace fs = std::filesystem;

std::vector<fs::path> find_fixtures(const std::function<bool(const fs::path&)>& match) {
    const fs::path root = fixtures_dir();
    if (!fs::is_directory(root)) throw FileError(root.string() + ": fixture directory not found (set LLM_FIXTURES_DIR)");
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink))
        if (e.is_regular_file() && match(e.path())) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> find_fixture_dirs(const std::vector<std::string>& required) {
    std::vector<fs::path> out;
    for (const auto& p : find_fixtures([&](const fs::path& p) { return p.filename() == required.front(); })) {
        const fs::path dir = p.parent_path();
        if (std::all_of(required.begin(), required.end(), [&](const std::string& f) { return fs::exists(dir / f); }))
            out.push_back(dir);
    }
    return out;
}

Closeness all_close(const std::vector<float>& got, const std::vector<float>& expected, double atol, double rtol) {
    Closeness c;
    if (got.size() != expected.size()) {
        c.ok = false;
        c.message = "size " + std::to_string(got.size()) + " != expected " + std::to_string(expected.size());
        return c;
    }
    double worst = 0;
    size_t where = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        const double d = std::fabs(static_cast<double>(got[i]) - expected[i]);
        const double excess = d - (atol + rtol * std::fabs(static_cast<double>(expected[i])));
        if (excess > 0 || std::isnan(got[i]) != std::isnan(expected[i])) {
            if (c.ok || excess > worst) { worst = excess; where = i; }
            c.ok = false;
        }
    }
    if (!c.ok) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "element %zu: got %.8g, expected %.8g", where, static_cast<double>(got[where]),
                      static_cast<double>(expected[where]));
        c.message = buf;
    }
    return c;
}

Closeness all_close(const Tensor& got, const std::vector<float>& expected, double atol, double rtol) {
    return all_close(got.to_vector(), expected, atol, rtol);
}

std::string gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f, std::vector<Tensor> inputs,
                      double eps, double atol, double rtol) {
    Generator gen(1234);
    Tensor probe;
    {
        NoGradGuard ng;
        probe = rand(f(inputs).shape(), gen) + (-0.5f);  // fixed random projection of the output
    }
    for (auto& x : inputs) { x.zero_grad(); x.requires_grad_(true); }
    sum(mul(f(inputs), probe)).backward();
    auto objective = [&]() {
        NoGradGuard ng;
        const Tensor y = f(inputs);
        double s = 0;
        for (int64_t i = 0; i < y.numel(); ++i) s += static_cast<double>(y.data()[i]) * probe.data()[i];
        return s;
    };
    for (size_t k = 0; k < inputs.size(); ++k) {
        Tensor x = inputs[k];
        const Tensor g = x.grad();
        for (int64_t i = 0; i < x.numel(); ++i) {
            const float saved = x.data()[i];
            x.data()[i] = saved + static_cast<float>(eps);
            const double up = objective();
            x.data()[i] = saved - static_cast<float>(eps);
            const double down = objective();
            x.data()[i] = saved;
            const double numeric = (up - down) / (2 * eps);
            const double analytic = g.defined() ? g.data()[i] : 0.0;
            if (std::fabs(numeric - analytic) > atol + rtol * std::fabs(numeric)) {
                char buf[200];
                std::snprintf(buf, sizeof buf, "input %zu element %lld: autograd %.6g, finite difference %.6g", k,
                              static_cast<long long>(i), analytic, numeric);
                return buf;
            }
        }
    }
    return "";
}

}  // namespace llm::testing
