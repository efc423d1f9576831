#include "plot_values.hpp"

#include <cstdio>

#include "plot.hpp"

namespace llm::ch06 {

namespace {
std::vector<double> epochs_axis(size_t n, int64_t num_epochs) {
    std::vector<double> x;
    for (size_t i = 0; i < n; ++i)
        x.push_back(n > 1 ? static_cast<double>(num_epochs) * static_cast<double>(i) /
                            static_cast<double>(n - 1)
                          : 0.0);
    return x;
}

}  // namespace

// The book's plot_values: training and validation curves over epochs, with
// examples seen on a second axis.
void plot_values(const std::filesystem::path& path, const std::vector<double>& train,
                 const std::vector<double>& val, int64_t num_epochs, int64_t examples_seen,
                 const std::string& label) {
    Chart c;
    c.title = label;
    c.x_label = "Epochs";
    c.y_label = label;
    c.top_label = "Examples seen";
    c.top_scale = num_epochs ? static_cast<double>(examples_seen) / num_epochs : 0;
    c.series.push_back({"Training " + label, epochs_axis(train.size(), num_epochs), train});
    c.series.push_back(
        {"Validation " + label, epochs_axis(val.size(), num_epochs), val, "#ff7f0e", true});
    save_svg(path, c);
    std::printf("wrote %s\n", path.c_str());
}

}  // namespace llm::ch06
