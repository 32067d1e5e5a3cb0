// libcarl_torch.so's entry point: TorchBackend over the LibTorch code of this folder. Errors of
// LibTorch itself leave as InputError or std::runtime_error with its message.
#include <mutex>

#include "ca/error.h"
#include "learner/torch/cell_net.h"
#include "learner/torch_backend.h"

namespace carl::learner {
namespace {

torch::Device cuda_device() {
  if (!torch::cuda::is_available())
    throw InputError("device 'cuda' asked for, but LibTorch has no CUDA or no GPU is present");
  return torch::Device(torch::kCUDA);
}

template <class Fn>
auto guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const c10::Error& e) {
    throw std::runtime_error(fmt::format("LibTorch: {}", e.what_without_backtrace()));
  }
}

class Backend final : public TorchBackend {
 public:
  bool cuda_available() const override { return torch::cuda::is_available(); }
  void set_threads(int threads) const override { torch::set_num_threads(threads); }

  std::vector<double> initial_parameters(const NetConfig& config,
                                         std::uint64_t seed) const override {
    return guarded([&] {
      // LibTorch's generator is global: seeding and drawing must not interleave with another
      // thread's.
      static std::mutex init;
      std::lock_guard<std::mutex> lock(init);
      torch::manual_seed(seed);
      const CellNet module(config);
      NetState s{config, groups::Subgroup(), seed, {}};
      for (const auto& p : module->parameters()) {
        const torch::Tensor v = p.detach().to(torch::kFloat64).contiguous().reshape({-1});
        s.params.insert(s.params.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
      }
      return s.params;
    });
  }

  std::vector<double> predict_patterns(const NetState& net) const override {
    return guarded([&] {
      TorchNet t(net, torch::kCPU);
      torch::NoGradGuard no_grad;
      const torch::Tensor p = torch::sigmoid(t.pattern_logits()).to(torch::kFloat64).contiguous();
      return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    });
  }

  ca::Grid step(const NetState& net, const ca::Grid& grid, ca::Boundary boundary) const override {
    return guarded([&] {
      TorchNet t(net, torch::kCPU);
      torch::NoGradGuard no_grad;
      return tensor_grid(t.step_tensor(grid_tensor(grid), boundary));
    });
  }

  TrainReport train(NetState& net, const ca::PatternCounts& counts,
                    const TrainConfig& config) const override {
    return guarded([&] {
      TorchNet t(net, torch::kCPU);
      const TrainReport r = train_patterns(t, counts, config);
      net = t.state();
      return r;
    });
  }

  TrainReport train_frames(NetState& net, const std::vector<ca::Trajectory>& data,
                           ca::Boundary boundary, const TrainConfig& config) const override {
    return guarded([&] {
      TorchNet t(net, torch::kCPU);
      const TrainReport r = learner::train_frames(t, data, boundary, config);
      net = t.state();
      return r;
    });
  }

  std::pair<double, std::vector<double>> loss_and_gradient(const NetState& net,
                                                           const ca::PatternCounts& counts,
                                                           Objective objective) const override {
    return guarded([&] {
      TorchNet t(net, torch::kCPU);
      return learner::loss_and_gradient(t, counts, objective);
    });
  }

  std::pair<double, std::vector<double>> loss_and_gradient(const NetState& net,
                                                           const std::vector<ca::Trajectory>& data,
                                                           ca::Boundary boundary) const override {
    return guarded([&] {
      TorchNet t(net, torch::kCPU);
      return learner::loss_and_gradient(t, data, boundary);
    });
  }

  std::vector<std::vector<TrainReport>> train_stacked(
      const std::vector<std::vector<NetState*>>& nets,
      const std::vector<const ca::PatternCounts*>& counts, const TrainConfig& config,
      bool on_cuda) const override {
    return guarded([&] {
      const torch::Device device = on_cuda ? cuda_device() : torch::Device(torch::kCPU);
      std::vector<std::vector<TorchNet>> on_device(nets.size());
      std::vector<StackedJob> jobs(nets.size());
      for (std::size_t j = 0; j < nets.size(); ++j) {
        on_device[j].reserve(nets[j].size());
        for (const NetState* n : nets[j]) on_device[j].emplace_back(*n, device);
        for (TorchNet& t : on_device[j]) jobs[j].nets.push_back(&t);
        jobs[j].counts = counts.at(j);
      }
      const auto reports = learner::train_stacked(jobs, config);
      for (std::size_t j = 0; j < nets.size(); ++j)
        for (std::size_t k = 0; k < nets[j].size(); ++k) *nets[j][k] = on_device[j][k].state();
      return reports;
    });
  }

  NetState read_archive(const std::string& path) const override {
    return guarded([&] { return learner::read_archive(path); });
  }
  std::string write_archive(const NetState& net) const override {
    return guarded([&] { return learner::write_archive(net); });
  }
};

}  // namespace
}  // namespace carl::learner

extern "C" const carl::learner::TorchBackend* carl_torch_backend() {
  static const carl::learner::Backend backend;
  return &backend;
}

extern "C" int carl_torch_backend_version() {
  return carl::learner::kTorchBackendVersion;
}
