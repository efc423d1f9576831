// Appendix A.9's DistributedDataParallel, in C++ terms: the same program
// runs as N processes (ranks) under `mpirun -np N`, on one machine or on
// several (a hostfile), and they train one model together.
//
//   - every rank starts from rank 0's weights (a broadcast);
//   - every rank follows rank 0's batch order (another broadcast, once per
//     epoch), and takes its share of each step's windows: rank r the
//     windows r, r + N, r + 2N, ... of the batch;
//   - after backward, one MPI_Allreduce over one contiguous buffer sums the
//     gradients, each weighted by its share of the batch, so every rank
//     holds the gradient of the whole batch's mean loss and takes the same
//     AdamW step (with dropout off, the step of a single process, up to the
//     order of float additions);
//   - rank 0 alone evaluates, prints, samples and writes checkpoints;
//   - a Ctrl-C (SIGINT or SIGTERM) that reaches any rank stops every rank
//     after the same step, with one checkpoint; an error on one rank stops
//     all of them (MPI_Abort) instead of leaving the others waiting.
//
// Built with MPI when Meson finds it (`./book setup --mpi` installs Open
// MPI); without it, or when not started by mpirun, there is one rank and
// every function below does nothing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace llm::ch05 {

class DataParallel {
public:
    // MPI_Init when the process was started by mpirun (otherwise one rank).
    // Also divides this machine's cores among its ranks (OpenMP threads).
    static DataParallel& init(int& argc, char**& argv);
    static DataParallel& get();  // the one instance (one rank before init)
    ~DataParallel();

    int rank() const { return rank_; }
    int world() const { return world_; }
    bool active() const { return world_ > 1; }
    bool leader() const { return rank_ == 0; }
    static bool compiled_with_mpi();

    // Rank 0's values to every rank.
    void broadcast_parameters(const std::vector<Tensor>& params) const;
    void broadcast_order(std::vector<std::vector<int64_t>>& batches) const;
    // This rank's windows of a batch: positions rank, rank + world, ...
    std::vector<int64_t> share(const std::vector<int64_t>& batch) const;
    // Every gradient becomes sum over ranks of (share_r / batch) * grad_r.
    void average_gradients(const std::vector<Tensor>& params, int64_t share_size,
                           int64_t batch_size);
    // Time spent in average_gradients (packing, MPI_Allreduce, unpacking),
    // its calls, and the bytes of one call's buffer.
    double allreduce_seconds() const { return seconds_; }
    int64_t allreduce_calls() const { return calls_; }
    int64_t gradient_bytes() const { return static_cast<int64_t>(buffer_.size() * sizeof(float)); }
    // True on every rank when it is true on any.
    bool any(bool mine) const;
    // Stops every rank after an error on this one (MPI_Abort); returns
    // normally when there is one rank.
    void abort_all(int code) const;

private:
    DataParallel() = default;
    int rank_ = 0, world_ = 1;
    bool initialized_ = false;
    std::vector<float> buffer_;  // the contiguous gradient buffer
    double seconds_ = 0;
    int64_t calls_ = 0;
};

}  // namespace llm::ch05
