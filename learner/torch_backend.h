#pragma once
// LibTorch, loaded on demand. carl's nets are trained and evaluated without LibTorch
// (learner/net.h); what still needs it lives in a module of its own, libcarl_torch.so
// (learner/torch/), which is opened with dlopen the first time one of these is asked for:
//   - training on CUDA (learner.device: cuda, or auto with a CUDA LibTorch);
//   - reading a checkpoint in the LibTorch archive format of carl before 2026-11-30;
//   - the reference implementations (LibTorch's modules, autograd and optimisers, and the frame
//     path) that the tests compare carl's own code with.
// A process that needs none of them never loads LibTorch, whose start-up alone (about 0.4 s) was
// most of a small run's time. The interface passes plain values (NetState), so the module shares
// no object with the code that loaded it.
#include <string>
#include <utility>
#include <vector>

#include "learner/net.h"

namespace carl::learner {

class TorchBackend {
 public:
  virtual ~TorchBackend() = default;

  virtual bool cuda_available() const = 0;
  virtual void set_threads(int threads) const = 0;

  // LibTorch's own initialisation: torch::manual_seed(seed), then a CellNet (the oracle for
  // learner::initial_parameters).
  virtual std::vector<double> initial_parameters(const NetConfig& config,
                                                 std::uint64_t seed) const = 0;
  // The CellNet module's answers: the 512 pattern probabilities, and a hard step computed as
  // convolutions over the whole grid (the oracles for Net::predict_patterns and Net::step).
  virtual std::vector<double> predict_patterns(const NetState& net) const = 0;
  virtual ca::Grid step(const NetState& net, const ca::Grid& grid, ca::Boundary boundary) const = 0;

  // LibTorch's autograd and optimisers on the pattern path (the oracle for train_together) and on
  // the frame path (x_t → x_{t+1} over whole trajectories); `net`'s parameters are updated.
  virtual TrainReport train(NetState& net, const ca::PatternCounts& counts,
                            const TrainConfig& config) const = 0;
  virtual TrainReport train_frames(NetState& net, const std::vector<ca::Trajectory>& data,
                                   ca::Boundary boundary, const TrainConfig& config) const = 0;
  // Loss and gradient (flattened, parameter order) on either path, for testing their equality.
  virtual std::pair<double, std::vector<double>> loss_and_gradient(const NetState& net,
                                                                   const ca::PatternCounts& counts,
                                                                   Objective objective) const = 0;
  virtual std::pair<double, std::vector<double>> loss_and_gradient(
      const NetState& net, const std::vector<ca::Trajectory>& data,
      ca::Boundary boundary) const = 0;

  // Several jobs' nets stacked along a leading dimension and stepped as one batched model, job j's
  // nets nets[j] on its own counts counts[j] (the nets share configuration and group):
  // train_together on CUDA (one job), and a TrainingBatch's gathered jobs there. `on_cuda` false
  // runs the same code on LibTorch's CPU, to test and measure it without a GPU. The parameters are
  // updated; reports[j][k] is job j's net k's.
  virtual std::vector<std::vector<TrainReport>> train_stacked(
      const std::vector<std::vector<NetState*>>& nets,
      const std::vector<const ca::PatternCounts*>& counts, const TrainConfig& config,
      bool on_cuda) const = 0;

  // Checkpoints of carl before 2026-11-30: a LibTorch archive with the parameters under the
  // module's names and the fields carl.width, carl.depth, carl.activation, carl.precision,
  // carl.group and carl.seed. read_archive throws InputError naming the file and the field.
  virtual NetState read_archive(const std::string& path) const = 0;
  virtual std::string write_archive(const NetState& net) const = 0;
};

// The module, loaded the first time (thread-safe); InputError naming the module and dlerror's
// reason when it cannot be loaded. CARL_TORCH_MODULE in the environment names another file.
const TorchBackend& torch_backend();
// Opens the module at `path` (dlopen) and checks that it is carl's, of this carl's interface
// version: empty, with *backend set, when it is; else why not (dlerror's reason, "not carl's
// LibTorch module", or "interface version V, this carl's is W"), naming the file.
std::string open_torch_module(const std::string& path, const TorchBackend** backend);
// Whether the LibTorch carl was built against has CUDA (known without loading it).
bool torch_has_cuda();

}  // namespace carl::learner

namespace carl::learner {
// The interface's version: a module built from another carl, whose TorchBackend may differ, is
// refused instead of called. Raise it with any change to TorchBackend or to the types it passes.
inline constexpr int kTorchBackendVersion = 2;
}  // namespace carl::learner

// The module's exported symbols (learner/torch/backend.cpp).
extern "C" const carl::learner::TorchBackend* carl_torch_backend();
extern "C" int carl_torch_backend_version();
