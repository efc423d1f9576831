#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "error.hpp"
#include "paths.hpp"

namespace llm {

namespace {
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}
std::string esc(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '<')
            o += "&lt;";
        else if (c == '>')
            o += "&gt;";
        else if (c == '&')
            o += "&amp;";
        else
            o += c;
    }
    return o;
}
// About five round tick values covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
    const double span = hi - lo > 0 ? hi - lo : 1;
    const double raw = span / 5, mag = std::pow(10, std::floor(std::log10(raw)));
    const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
    std::vector<double> t;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) t.push_back(v);
    return t;
}
}  // namespace

std::string render_svg(const Chart& c, int W, int H) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const auto& s : c.series)
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            x0 = std::min(x0, s.x[i]);
            x1 = std::max(x1, s.x[i]);
            y0 = std::min(y0, s.y[i]);
            y1 = std::max(y1, s.y[i]);
        }
    if (!std::isfinite(x0)) {
        x0 = 0;
        x1 = 1;
        y0 = 0;
        y1 = 1;
    }
    if (x1 == x0) x1 = x0 + 1;
    if (y1 == y0) y1 = y0 + 1;
    const double pad = (y1 - y0) * 0.05;
    y0 -= pad;
    y1 += pad;
    const int L = 70, R = 20, T = c.top_scale > 0 ? 70 : 40, B = 55;
    auto px = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
    auto py = [&](double y) { return H - B - (y - y0) / (y1 - y0) * (H - T - B); };
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    o << "<text x=\"" << W / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">"
      << esc(c.title) << "</text>\n";
    o << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << W - L - R << "\" height=\""
      << H - T - B << "\" fill=\"none\" stroke=\"black\"/>\n";
    for (double t : ticks(x0, x1))
        o << "<line x1=\"" << px(t) << "\" y1=\"" << H - B << "\" x2=\"" << px(t) << "\" y2=\""
          << H - B + 5 << "\" stroke=\"black\"/><text x=\"" << px(t) << "\" y=\"" << H - B + 18
          << "\" text-anchor=\"middle\">" << num(t) << "</text>\n";
    for (double t : ticks(y0, y1))
        o << "<line x1=\"" << L - 5 << "\" y1=\"" << py(t) << "\" x2=\"" << L << "\" y2=\"" << py(t)
          << "\" stroke=\"black\"/><text x=\"" << L - 8 << "\" y=\"" << py(t) + 4
          << "\" text-anchor=\"end\">" << num(t) << "</text>\n";
    if (c.top_scale > 0) {
        for (double t : ticks(x0 * c.top_scale, x1 * c.top_scale))
            o << "<line x1=\"" << px(t / c.top_scale) << "\" y1=\"" << T << "\" x2=\""
              << px(t / c.top_scale) << "\" y2=\"" << T - 5 << "\" stroke=\"black\"/><text x=\""
              << px(t / c.top_scale) << "\" y=\"" << T - 8 << "\" text-anchor=\"middle\">" << num(t)
              << "</text>\n";
        o << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << T - 28 << "\" text-anchor=\"middle\">"
          << esc(c.top_label) << "</text>\n";
    }
    o << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << H - 12 << "\" text-anchor=\"middle\">"
      << esc(c.x_label) << "</text>\n";
    o << "<text transform=\"translate(16," << (T + H - B) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << esc(c.y_label) << "</text>\n";
    int legend_y = T + 16;
    for (const auto& s : c.series) {
        o << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\""
          << (s.dashed ? " stroke-dasharray=\"6,4\"" : "") << " points=\"";
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.y[i])) o << px(s.x[i]) << "," << py(s.y[i]) << " ";
        o << "\"/>\n";
        o << "<line x1=\"" << W - R - 150 << "\" y1=\"" << legend_y - 4 << "\" x2=\"" << W - R - 125
          << "\" y2=\"" << legend_y - 4 << "\" stroke=\"" << s.color << "\" stroke-width=\"2\""
          << (s.dashed ? " stroke-dasharray=\"6,4\"" : "") << "/><text x=\"" << W - R - 120
          << "\" y=\"" << legend_y << "\">" << esc(s.label) << "</text>\n";
        legend_y += 18;
    }
    o << "</svg>\n";
    return o.str();
}

std::string render_heatmap_svg(const Heatmap& h) {
    const size_t R = h.row_labels.size(), C = h.col_labels.size();
    if (h.values.size() != R * C)
        throw ValueError("heatmap: " + std::to_string(h.values.size()) + " values for " +
                         std::to_string(R) + " x " + std::to_string(C) + " cells");
    const int cell = 56, left = 120, top = 60, bottom = 110;
    const int W = left + static_cast<int>(C) * cell + 30,
              H = top + static_cast<int>(R) * cell + bottom;
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    o << "<text x=\"" << W / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">"
      << esc(h.title) << "</text>\n";
    for (size_t r = 0; r < R; ++r) {
        o << "<text x=\"" << left - 8 << "\" y=\""
          << top + static_cast<int>(r) * cell + cell / 2 + 4 << "\" text-anchor=\"end\">"
          << esc(h.row_labels[r]) << "</text>\n";
        for (size_t c = 0; c < C; ++c) {
            const float v = std::clamp(h.values[r * C + c], 0.0f, 1.0f);
            const int shade = static_cast<int>(255 - 200 * v);
            char fill[16];
            std::snprintf(fill, sizeof fill, "#%02x%02x%02x", shade, shade,
                          255 - static_cast<int>(80 * v));
            const int x = left + static_cast<int>(c) * cell, y = top + static_cast<int>(r) * cell;
            o << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << cell << "\" height=\""
              << cell << "\" fill=\"" << fill << "\" stroke=\"#ccc\"/><text x=\"" << x + cell / 2
              << "\" y=\"" << y + cell / 2 + 4 << "\" text-anchor=\"middle\" fill=\""
              << (v > 0.5f ? "white" : "black") << "\">" << num(h.values[r * C + c]) << "</text>\n";
        }
    }
    for (size_t c = 0; c < C; ++c) {
        const int x = left + static_cast<int>(c) * cell + cell / 2,
                  y = top + static_cast<int>(R) * cell + 10;
        o << "<text transform=\"translate(" << x << "," << y << ") rotate(45)\">"
          << esc(h.col_labels[c]) << "</text>\n";
    }
    o << "<text x=\"" << left + static_cast<int>(C) * cell / 2 << "\" y=\"" << H - 10
      << "\" text-anchor=\"middle\">" << esc(h.x_label) << "</text>\n";
    o << "<text transform=\"translate(16," << top + static_cast<int>(R) * cell / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << esc(h.y_label) << "</text>\n</svg>\n";
    return o.str();
}

void save_svg(const std::filesystem::path& path, const Chart& chart) {
    write_file_atomic(path, render_svg(chart));
}

}  // namespace llm
