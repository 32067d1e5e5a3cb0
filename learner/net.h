#pragma once
// The rule learner's nets, LibTorch-free: a net is its parameters (NetState), evaluated and
// trained on the CPU by hand-written code over BLAS (learner/mlp_stack.h). LibTorch is loaded only
// when something needs it (learner/torch_backend.h): training on CUDA, checkpoints of carl before
// 2026-11-30, and the reference implementations the tests compare this code with. A process that
// trains on the CPU never loads it (it costs about 0.4 s to load).
//
// A net maps a cell's 3×3 neighbourhood to the logit of its next state: a 3×3 convolution, then
// 1×1 convolutions, so its receptive field is exactly the neighbourhood. A G-net (G ⊆ D4) lifts
// each first-layer kernel over G, runs the same 1×1 stack on every orientation and averages the
// logits over G, so its output is exactly G-invariant; built from a plain net's weights it is the
// orbit-average of that net (parameter transfer).
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ca/choice.h"
#include "ca/pattern_counts.h"
#include "ca/simulate.h"
#include "ca/trajectory.h"
#include "groups/subgroup.h"

namespace carl::learner {

// Closed choices (ca/choice.h): one table of words each, which both reads a word (parse_choice:
// the config, a checkpoint) and writes it (choice_name), so what is printed is what is read.
enum class Activation { relu, tanh, gelu };
enum class Precision { float32, float64 };  // tests compare the paths in float64
enum class Objective { balanced, counts };  // see docs/config.md
enum class Optimizer { adam, sgd };
// auto: cuda when LibTorch was built with CUDA and a GPU is present, else cpu.
enum class Device { automatic, cpu, cuda };

inline constexpr std::pair<Activation, const char*> kActivationWords[] = {
    {Activation::relu, "relu"}, {Activation::tanh, "tanh"}, {Activation::gelu, "gelu"}};
constexpr const auto& choice_words(Activation) {
  return kActivationWords;
}
inline constexpr std::pair<Precision, const char*> kPrecisionWords[] = {
    {Precision::float32, "float32"}, {Precision::float64, "float64"}};
constexpr const auto& choice_words(Precision) {
  return kPrecisionWords;
}
inline constexpr std::pair<Objective, const char*> kObjectiveWords[] = {
    {Objective::balanced, "balanced"}, {Objective::counts, "counts"}};
constexpr const auto& choice_words(Objective) {
  return kObjectiveWords;
}
inline constexpr std::pair<Optimizer, const char*> kOptimizerWords[] = {{Optimizer::adam, "adam"},
                                                                        {Optimizer::sgd, "sgd"}};
constexpr const auto& choice_words(Optimizer) {
  return kOptimizerWords;
}
inline constexpr std::pair<Device, const char*> kDeviceWords[] = {
    {Device::automatic, "auto"}, {Device::cpu, "cpu"}, {Device::cuda, "cuda"}};
constexpr const auto& choice_words(Device) {
  return kDeviceWords;
}

struct NetConfig {
  int width = 32;  // channels of the 3×3 layer and the hidden 1×1 layers
  int depth = 2;   // hidden 1×1 layers
  Activation activation = Activation::relu;
  Precision precision = Precision::float32;
};

struct TrainConfig {
  Objective objective = Objective::balanced;
  Optimizer optimizer = Optimizer::adam;
  double learning_rate = 0.01;
  double weight_decay = 0.0;
  int max_steps = 3000;
  // Converged when every observed pattern (orbit) is classified as its data say with at least
  // this likelihood, checked every 25 steps.
  double fit_confidence = 0.95;
  // Patterns (orbits) whose observed next states agree less than this (the share of the majority
  // state) are left out of training, as if unobserved: under observation noise the rare patterns'
  // counts are dominated by corrupted copies of common ones. The patterns kept are trained on
  // their majority state, the minority taken for noise. 0 keeps every count as it is.
  double min_agreement = 0.0;
  // Train at least this many steps even once every pattern is fitted (the fit is still checked
  // every 25 steps after that), so that weight decay can shape the first-layer kernels for the
  // kernel symmetry detector. 0: stop at the first check that finds every pattern fitted.
  int min_steps = 0;
};

// Equal settings train alike (a batch stacks only jobs whose settings are equal): compares every
// field above, so a field added to TrainConfig must be added here.
bool operator==(const TrainConfig& a, const TrainConfig& b);
inline bool operator!=(const TrainConfig& a, const TrainConfig& b) {
  return !(a == b);
}

struct TrainReport {
  int steps = 0;
  double final_loss = 0;
  double seconds = 0;
  bool converged = false;  // every observed pattern fitted with fit_confidence
  int misfitted = 0;       // observed patterns not (yet) fitted so
};

// L1: the fraction of wrong cells when the net, rolled out from x_0 with hard predictions, is
// compared with x_1 … x_T; per_step[t-1] is the fraction at step t. In window mode only the cells
// whose value the window determines after t steps are compared.
struct Rollout : ca::RolloutScore {
  std::vector<ca::Grid> frames;  // y_1 … y_T
};

// A net as plain values: what a checkpoint holds. params: the parameters in the order and layout
// of LibTorch's CellNet module (first.weight [C×1×3×3], first.bias [C], per hidden layer
// weight [C×C×1×1] and bias [C], out.weight [1×C×1×1], out.bias [1]), flattened; float32 nets
// hold float32 values.
struct NetState {
  NetConfig config;
  groups::Subgroup group;
  std::uint64_t seed = 0;
  std::vector<double> params;
};

// LibTorch's default initialisation of a CellNet after torch::manual_seed(seed), drawn without
// LibTorch (its Mersenne Twister and uniform transformation, layer by layer): bit for bit the
// weights a LibTorch carl drew, so that runs keep their numbers.
std::vector<double> initial_parameters(const NetConfig& config, std::uint64_t seed);
long parameter_count(const NetConfig& config);

class Net {
 public:
  // A freshly initialised plain net (group p1) or G-net, weights drawn from `seed`.
  Net(const NetConfig& config, groups::Subgroup group, std::uint64_t seed,
      Device device = Device::cpu);
  // A net with the given parameters (InputError when they do not fit its configuration).
  explicit Net(NetState state, Device device = Device::cpu);
  Net clone() const;

  // The G-net that starts as the orbit-average of this net (the same weights, tied over G).
  Net transferred(groups::Subgroup group) const;

  const NetConfig& config() const;
  groups::Subgroup group() const;
  std::uint64_t seed() const;
  Device device() const;  // where it trains: cpu or cuda
  const NetState& state() const;
  void set_parameters(std::vector<double> params);  // InputError when they do not fit

  // Pattern path: the loss over at most 512 patterns (train_together with this net alone). The
  // frame path, x_t → x_{t+1} over whole trajectories, is LibTorch's reference
  // (TorchBackend::train_frames): the same objective as `counts` on a torus.
  TrainReport train(const ca::PatternCounts& counts, const TrainConfig& config);

  // Probability that the next state is 1, for each of the 512 patterns.
  std::array<double, ca::kPatternCount> predict_patterns() const;
  // Hard prediction: a cell's next state depends on its 3×3 neighbourhood only, so this is the
  // rule table of the net's hard answers (logit > 0), stepped bit-sliced (ca::step).
  ca::Grid step(const ca::Grid& grid, ca::Boundary boundary) const;
  Rollout rollout(const ca::Trajectory& truth, ca::Boundary boundary) const;

  std::vector<Eigen::MatrixXd> first_layer_kernels() const;  // the width 3×3 kernels
  int parameter_count() const;

  // A JSON object (docs/architecture.md, "Checkpoints"): the configuration, group and seed, and
  // the parameters per layer under LibTorch's names. load refuses (InputError naming the file and
  // the field) a file that is no such object, lacks a field or holds one of the wrong type, value
  // or length; it also reads the LibTorch archives of carl before 2026-11-30 (through
  // TorchBackend).
  void save(const std::string& path) const;
  std::string serialized() const;  // the same JSON, as text
  static Net load(const std::string& path, Device device = Device::cpu);

 private:
  NetState state_;
  Device device_ = Device::cpu;
};

// Trains nets of one configuration, group and device together on the pattern path: on the CPU
// each step is written out by hand over matrix products (learner/mlp_stack.h: no tensor library
// per step); on CUDA the parameters are stacked along a leading dimension and stepped as one
// batched LibTorch model (TorchBackend). Each net follows the trajectory it would follow alone
// under LibTorch's autograd and optimisers (TorchBackend::train: the same objective, optimiser,
// convergence check every 25 steps and step budget; equal up to floating-point summation order),
// and stops once it has converged. A report per net, in order; `seconds` is the time until that
// net stopped. In a thread seated in a TrainingBatch (learner/training_batch.h) the nets wait for
// the batch's round and are trained with the other runs' there.
std::vector<TrainReport> train_together(const std::vector<Net*>& nets,
                                        const ca::PatternCounts& counts, const TrainConfig& config);
// Whether two nets can be stepped in one stack: the same configuration, group and device.
bool trainable_together(const Net& a, const Net& b);
// Throws std::logic_error unless the nets are all trainable together.
void check_together(const std::vector<Net*>& nets);
// Several jobs' nets, all on CUDA and trainable together, stacked as one LibTorch model, job j's
// nets on counts[j] (TorchBackend::train_stacked); their parameters are updated. reports[j][k]
// is job j's net k's.
std::vector<std::vector<TrainReport>> train_stacked_on_cuda(
    const std::vector<const std::vector<Net*>*>& jobs,
    const std::vector<const ca::PatternCounts*>& counts, const TrainConfig& config);
// train_together in this thread, now, whether or not it is seated in a batch.
std::vector<TrainReport> train_together_here(const std::vector<Net*>& nets,
                                             const ca::PatternCounts& counts,
                                             const TrainConfig& config);

// An upper estimate of the memory that training `nets` nets of this configuration together takes
// (their parameters, a restarted member's and a copy's, the optimiser's moments, and the work
// space of the widest pattern batch: 512 patterns × 8 orientations through every layer), for
// refusing a config up front (provider::require_fits) instead of running out of memory.
std::uint64_t training_bytes(const NetConfig& config, int nets);

// Keeps freed buffers in the process instead of returning them to the system after each step
// (glibc trims and unmaps large blocks by default, which made LibTorch's CPU steps 3–4× slower).
// Call once at start-up; returns whether the settings were applied.
bool keep_freed_memory();
// glibc's defaults again (for benchmarks that show the difference).
void default_freed_memory();

// Intra-op threads of LibTorch (1 keeps runs reproducible and is fastest for pattern batches),
// applied now if LibTorch is loaded, else when it is.
void set_threads(int threads);

// Device::automatic → cuda when LibTorch was built with CUDA and a GPU is present, else cpu; cuda
// without either is an InputError. With a LibTorch built without CUDA (Debian's), automatic is
// cpu without loading LibTorch.
Device resolve_device(Device device);

}  // namespace carl::learner
