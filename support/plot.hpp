// A small SVG line chart, for the loss curves and the GELU/ReLU figure.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace llm {

struct Series {
    std::string label;
    std::vector<double> x, y;
    std::string color = "#1f77b4";
    bool dashed = false;
};

struct Chart {
    std::string title, x_label, y_label;
    std::vector<Series> series;
    // An optional second x axis on top, mapped linearly from the first
    // (the book's "tokens seen" above "epochs").
    std::string top_label;
    double top_scale = 0;  // top value = x * top_scale; 0 means no top axis
};

std::string render_svg(const Chart& chart, int width = 640, int height = 400);

// A matrix as coloured cells (white 0 -> dark blue 1), labels on both axes
// and each value written in its cell: attention weights over tokens.
struct Heatmap {
    std::string title, x_label, y_label;
    std::vector<std::string> row_labels, col_labels;
    std::vector<float> values;  // rows x cols, row-major, in [0, 1]
};
std::string render_heatmap_svg(const Heatmap& h);
// Written atomically.
void save_svg(const std::filesystem::path& path, const Chart& chart);

}  // namespace llm
