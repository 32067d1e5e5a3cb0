// A net as plain parameters: its initialisation (LibTorch's, drawn without it), what it answers
// (pattern probabilities, hard steps, rollouts, first-layer kernels), all over mlp_stack.h.
#include "learner/net.h"

#include <cmath>
#include <random>
#include <type_traits>

#include "ca/error.h"
#include "learner/mlp_stack.h"

namespace carl::learner {
namespace {

// LibTorch's CPU uniform_ on float32 (ATen's uniform_real_distribution): the low 24 bits of one
// 32-bit Mersenne Twister draw, scaled to [0, 1) and mapped onto [from, to) in float arithmetic,
// with one rounding for the multiply-add (LibTorch's kernel is built for AVX2, where the compiler
// fuses it).
float torch_uniform(std::mt19937& engine, double from_bound, double to_bound) {
  const auto from = static_cast<float>(from_bound), to = static_cast<float>(to_bound);
  const float unit = static_cast<float>(engine() & ((1u << 24) - 1)) * (1.0f / (1u << 24));
  return std::fma(unit, to - from, from);
}

void check_shape(const NetConfig& c) {
  if (c.width < 1 || c.depth < 0)
    throw InputError(fmt::format("net width {} / depth {} out of range", c.width, c.depth));
}

// The 512 patterns as rows of 9 cells (row-major 3×3), in index order.
template <class T>
const PatternSet<T>& all_patterns() {
  static const PatternSet<T> all = [] {
    PatternSet<T> s;
    s.y.assign(ca::kPatternCount, T(0));
    for (int p = 0; p < ca::kPatternCount; ++p) append_cells(s.x, ca::Pattern(p));
    return s;
  }();
  return all;
}

template <class T>
std::vector<double> logits_as(const NetState& s) {
  MlpStack<T> stack(s.config, kernel_permutations(s.group),
                    {std::vector<T>(s.params.begin(), s.params.end())});
  const std::vector<T> z = stack.logits(0, all_patterns<T>());
  return std::vector<double>(z.begin(), z.end());
}

// The logit of each of the 512 patterns, computed in the net's precision.
std::vector<double> pattern_logits(const NetState& s) {
  return s.config.precision == Precision::float64 ? logits_as<double>(s) : logits_as<float>(s);
}

}  // namespace

long parameter_count(const NetConfig& c) {
  const long w = c.width;
  return w * 9 + w + c.depth * (w * w + w) + w + 1;
}

std::vector<double> initial_parameters(const NetConfig& c, std::uint64_t seed) {
  check_shape(c);
  // torch::manual_seed seeds its Mersenne Twister with the seed's low 32 bits.
  std::mt19937 engine(static_cast<std::uint32_t>(seed & 0xffffffffu));
  std::vector<double> params;
  params.reserve(std::size_t(parameter_count(c)));
  // Conv2d's reset_parameters: weight by kaiming_uniform_(a = √5), bias uniform(±1/√fan_in).
  auto layer = [&](long weights, long biases, long fan_in) {
    const double gain = std::sqrt(2.0 / (1 + std::pow(std::sqrt(5.0), 2)));
    const double bound = std::sqrt(3.0) * (gain / std::sqrt(static_cast<double>(fan_in)));
    for (long i = 0; i < weights; ++i) params.push_back(torch_uniform(engine, -bound, bound));
    const double bias_bound = 1 / std::sqrt(static_cast<double>(fan_in));
    for (long i = 0; i < biases; ++i)
      params.push_back(torch_uniform(engine, -bias_bound, bias_bound));
  };
  const long w = c.width;
  layer(w * 9, w, 9);  // first: 1 → C channels, 3×3
  for (int l = 0; l < c.depth; ++l) layer(w * w, w, w);
  layer(w, 1, w);  // out: C → 1, 1×1
  return params;
}

Net::Net(const NetConfig& config, groups::Subgroup group, std::uint64_t seed, Device device)
    : state_{config, group, seed, initial_parameters(config, seed)},
      device_(resolve_device(device)) {}

Net::Net(NetState state, Device device) : state_(std::move(state)) {
  check_shape(state_.config);
  set_parameters(std::move(state_.params));
  device_ = resolve_device(device);
}

void Net::set_parameters(std::vector<double> params) {
  if (static_cast<long>(params.size()) != learner::parameter_count(state_.config))
    throw InputError(fmt::format("{} parameters do not fit a net of width {} and depth {} ({})",
                                 params.size(), state_.config.width, state_.config.depth,
                                 learner::parameter_count(state_.config)));
  state_.params = std::move(params);
}

Net Net::transferred(groups::Subgroup group) const {
  Net moved = *this;
  moved.state_.group = group;
  return moved;
}

Net Net::clone() const {
  return *this;
}

const NetConfig& Net::config() const {
  return state_.config;
}
groups::Subgroup Net::group() const {
  return state_.group;
}
std::uint64_t Net::seed() const {
  return state_.seed;
}
Device Net::device() const {
  return device_;
}
const NetState& Net::state() const {
  return state_;
}

int Net::parameter_count() const {
  return static_cast<int>(state_.params.size());
}

std::array<double, ca::kPatternCount> Net::predict_patterns() const {
  const std::vector<double> z = pattern_logits(state_);
  std::array<double, ca::kPatternCount> out{};
  for (std::size_t p = 0; p < out.size(); ++p) {
    // The sigmoid in the net's precision, as LibTorch's module answered.
    out[p] = state_.config.precision == Precision::float64
                 ? 1.0 / (1.0 + std::exp(-z[p]))
                 : double(1.0f / (1.0f + std::exp(-static_cast<float>(z[p]))));
  }
  return out;
}

namespace {
ca::RuleTable hard_table(const NetState& s) {
  const std::vector<double> z = pattern_logits(s);
  ca::RuleTable t;
  for (int p = 0; p < ca::kPatternCount; ++p) t.set(ca::Pattern(p), z[std::size_t(p)] > 0);
  return t;
}
ca::Grid step_with(const ca::RuleTable& table, const ca::Grid& grid, ca::Boundary boundary) {
  return boundary == ca::Boundary::torus ? ca::step(table, grid) : ca::step_window(table, grid);
}
}  // namespace

ca::Grid Net::step(const ca::Grid& grid, ca::Boundary boundary) const {
  return step_with(hard_table(state_), grid, boundary);
}

Rollout Net::rollout(const ca::Trajectory& truth, ca::Boundary boundary) const {
  Rollout r;
  if (truth.frames.empty()) return r;
  const ca::RuleTable table = hard_table(state_);
  ca::Grid cur = truth.frames[0];
  for (std::size_t t = 1; t < truth.frames.size(); ++t) {
    if (boundary == ca::Boundary::window && (cur.height() < 3 || cur.width() < 3)) break;
    cur = step_with(table, cur, boundary);
    r.frames.push_back(cur);
    r.add(r.frames.back(), truth.frames[t]);
  }
  return r;
}

std::vector<Eigen::MatrixXd> Net::first_layer_kernels() const {
  std::vector<Eigen::MatrixXd> out;
  for (int c = 0; c < state_.config.width; ++c) {
    Eigen::MatrixXd k(3, 3);
    for (int r = 0; r < 3; ++r)
      for (int col = 0; col < 3; ++col) k(r, col) = state_.params[std::size_t(c * 9 + r * 3 + col)];
    out.push_back(k);
  }
  return out;
}

}  // namespace carl::learner
