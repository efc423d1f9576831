// Section 6.7's figures: plot_values draws training and validation curves
// over epochs, with the examples seen on a second axis (the book's two
// figures: losses, accuracies). Written as SVG.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace llm::ch06 {

void plot_values(const std::filesystem::path& path, const std::vector<double>& train,
                 const std::vector<double>& val, int64_t num_epochs, int64_t examples_seen,
                 const std::string& label);

}  // namespace llm::ch06
