// What a training run leaves behind: loss.csv and the book's loss figure
// (figure 5.12: losses over epochs, tokens seen on a second axis).
#pragma once
#include <filesystem>
#include <vector>

namespace llm::ch05 {

void write_loss_csv(const std::filesystem::path& path, const std::vector<double>& tokens_seen,
                    const std::vector<double>& train_losses, const std::vector<double>& val_losses,
                    int64_t tokens_per_epoch);
void plot_losses(const std::filesystem::path& svg, const std::vector<double>& tokens_seen,
                 const std::vector<double>& train_losses, const std::vector<double>& val_losses,
                 int64_t tokens_per_epoch);

}  // namespace llm::ch05
