#include "outputs.hpp"

#include <cstdio>

#include "paths.hpp"
#include "plot.hpp"

namespace llm::ch05 {

void write_loss_csv(const std::filesystem::path& path, const std::vector<double>& tokens,
                    const std::vector<double>& train, const std::vector<double>& val,
                    int64_t tokens_per_epoch) {
    std::string csv = "epoch,tokens_seen,train_loss,val_loss\n";
    for (size_t i = 0; i < tokens.size(); ++i) {
        char line[128];
        std::snprintf(line, sizeof line, "%.4f,%.0f,%.6f,%.6f\n",
                      tokens[i] / static_cast<double>(tokens_per_epoch), tokens[i], train[i],
                      val[i]);
        csv += line;
    }
    write_file_atomic(path, csv);
}

void plot_losses(const std::filesystem::path& svg, const std::vector<double>& tokens,
                 const std::vector<double>& train, const std::vector<double>& val,
                 int64_t tokens_per_epoch) {
    std::vector<double> epochs;
    for (double t : tokens) epochs.push_back(t / static_cast<double>(tokens_per_epoch));
    Chart c{"Training and validation loss",
            "Epochs",
            "Loss",
            {Series{"Training loss", epochs, train, "#1f77b4", false},
             Series{"Validation loss", epochs, val, "#ff7f0e", true}},
            "Tokens seen",
            static_cast<double>(tokens_per_epoch)};
    save_svg(svg, c);
}

}  // namespace llm::ch05
