#pragma once
// Inside libcarl_torch.so only (learner/torch_backend.h): the net as a LibTorch module, with what
// the reference paths need. Nothing outside learner/torch/ includes this header.
#include <torch/torch.h>

#include "learner/net.h"

namespace carl::learner {

torch::Tensor activate(Activation activation, const torch::Tensor& x);

// The 3×3 → 1×1 … → 1 stack. forward() takes input already padded for a valid 3×3 convolution
// and the kernel permutations of the group (one row of 9 indices per element): a G-net lifts each
// first-layer kernel over G, runs the same 1×1 stack on every orientation and averages over G.
struct CellNetImpl : torch::nn::Module {
  explicit CellNetImpl(const NetConfig& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& perms);

  Activation activation;
  long width;
  torch::nn::Conv2d first{nullptr}, out{nullptr};
  torch::nn::ModuleList hidden;
};
TORCH_MODULE(CellNet);

// learner::kernel_permutations as a tensor: perms[j][v] = u with (g_j·K)[v] = K[u].
torch::Tensor permutation_tensor(groups::Subgroup group);
torch::Tensor grid_tensor(const ca::Grid& g);  // float32, H×W
ca::Grid tensor_grid(const torch::Tensor& t);

// A NetState as a LibTorch module on a device.
struct TorchNet {
  NetConfig config;
  groups::Subgroup group;
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;
  torch::Dtype dtype = torch::kFloat32;
  CellNet module{nullptr};
  torch::Tensor perms;
  torch::Tensor patterns;  // the 512 patterns as 3×3 images, in index order

  TorchNet(const NetState& state, torch::Device device);
  NetState state() const;  // the module's parameters, back as plain values

  torch::Tensor pattern_logits() { return module->forward(patterns, perms).reshape({-1}); }
  torch::Tensor step_tensor(const torch::Tensor& grid, ca::Boundary boundary);  // hard, float32

  // Training (training.cpp). The observed patterns (one per orbit under G) with their counts: all
  // the pattern path needs, since unobserved patterns carry no weight.
  struct PatternBatch {
    torch::Tensor x, n0, n1;
  };
  // per_pattern: every observed pattern with its own counts (what "fitted" is judged on, so a
  // G-net cannot pass by averaging an orbit whose members disagree).
  PatternBatch batch(const ca::PatternCounts& counts, double min_agreement,
                     bool per_pattern = false);
  torch::Tensor pattern_loss(const PatternBatch& b, Objective objective);
  std::pair<torch::Tensor, torch::Tensor> frame_batch(const std::vector<ca::Trajectory>& data,
                                                      ca::Boundary boundary);
  torch::Tensor frame_loss(const torch::Tensor& x, const torch::Tensor& y);
  // Patterns whose predicted probability is further than 1 − fit_confidence from their observed
  // frequency of 1s.
  int misfitted(const PatternBatch& b, double fit_confidence);
  std::unique_ptr<torch::optim::Optimizer> optimizer(const TrainConfig& c);
  std::vector<double> flat_gradient();
};

// training.cpp
TrainReport train_patterns(TorchNet& net, const ca::PatternCounts& counts, const TrainConfig& c);
TrainReport train_frames(TorchNet& net, const std::vector<ca::Trajectory>& data,
                         ca::Boundary boundary, const TrainConfig& c);
std::pair<double, std::vector<double>> loss_and_gradient(TorchNet& net,
                                                         const ca::PatternCounts& counts,
                                                         Objective objective);
std::pair<double, std::vector<double>> loss_and_gradient(TorchNet& net,
                                                         const std::vector<ca::Trajectory>& data,
                                                         ca::Boundary boundary);
// Several jobs' nets (one configuration and group, on one device) stacked as one batched model,
// each job on its own counts: reports[j][k] is job j's net k's.
struct StackedJob {
  std::vector<TorchNet*> nets;
  const ca::PatternCounts* counts = nullptr;
};
std::vector<std::vector<TrainReport>> train_stacked(const std::vector<StackedJob>& jobs,
                                                    const TrainConfig& c);

// archive.cpp
NetState read_archive(const std::string& path);
std::string write_archive(const NetState& net);

}  // namespace carl::learner
