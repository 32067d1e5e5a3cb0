// Training nets on the pattern path: the data as the observed patterns with their counts, the fit
// criterion, and several nets trained together (on the CPU by mlp_stack.h, on CUDA by LibTorch).
#include <chrono>
#include <stdexcept>

#include "ca/error.h"
#include "groups/orbits.h"
#include "learner/mlp_stack.h"
#include "learner/torch_backend.h"
#include "learner/training_batch.h"

namespace carl::learner {
namespace {

// The observed patterns with their counts: per pattern, or aggregated over G-orbits onto each
// orbit's representative when the net is G-invariant (its output is the same on the whole orbit).
// With min_agreement > 0 an orbit whose majority state has less than that share is left out, and
// what is kept is read as its majority state (the minority taken for noise).
template <class T>
PatternSet<T> pattern_set(const ca::PatternCounts& counts, groups::Subgroup group,
                          double min_agreement) {
  std::array<double, ca::kPatternCount> n0{}, n1{};
  const groups::Orbits orbits(group);
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const int rep = orbits.representative(orbits.orbit_of(ca::Pattern(p)));
    n0[std::size_t(rep)] += static_cast<double>(counts.n[std::size_t(p)][0]);
    n1[std::size_t(rep)] += static_cast<double>(counts.n[std::size_t(p)][1]);
  }
  PatternSet<T> s;
  for (int p = 0; p < ca::kPatternCount; ++p) {
    double a = n0[std::size_t(p)], b = n1[std::size_t(p)];
    if (min_agreement > 0) {
      const bool keep = std::max(a, b) / std::max(a + b, 1.0) >= min_agreement;
      const double total = keep ? a + b : 0.0;
      const bool ones = b > a;
      b = ones ? total : 0.0;
      a = ones ? 0.0 : total;
    }
    if (a + b <= 0) continue;
    // The counts pass through float32, as LibTorch's reference path holds them.
    const T t0 = T(static_cast<float>(a)), t1 = T(static_cast<float>(b));
    append_cells(s.x, ca::Pattern(p));
    s.n0.push_back(t0);
    s.n1.push_back(t1);
    s.y.push_back(t1 / (t0 + t1));
  }
  return s;
}

template <class T>
std::vector<TrainReport> train_on_cpu(const std::vector<Net*>& nets,
                                      const ca::PatternCounts& counts, const TrainConfig& c,
                                      std::chrono::steady_clock::time_point t0) {
  const Net& lead = *nets.front();
  const PatternSet<T> data = pattern_set<T>(counts, lead.group(), c.min_agreement);
  // Judged per pattern, so that a G-net cannot pass by averaging an orbit whose members
  // disagree; on noisy data (min_agreement > 0) the orbit's majority is the estimate, judged per
  // orbit.
  const PatternSet<T> judged = pattern_set<T>(
      counts, c.min_agreement == 0 ? groups::Subgroup() : lead.group(), c.min_agreement);
  std::vector<std::vector<T>> params;
  for (const Net* n : nets) params.emplace_back(n->state().params.begin(), n->state().params.end());
  MlpStack<T> stack(lead.config(), kernel_permutations(lead.group()), std::move(params));

  std::vector<TrainReport> reports(nets.size());
  std::vector<double> last_loss(nets.size(), 0.0);
  auto finish = [&](int k, int steps, int misfit) {
    TrainReport& r = reports[std::size_t(k)];
    r.steps = steps;
    r.final_loss = last_loss[std::size_t(k)];
    r.misfitted = misfit;
    r.converged = misfit == 0;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::vector<T>& flat = stack.params(k);
    nets[std::size_t(k)]->set_parameters(std::vector<double>(flat.begin(), flat.end()));
  };
  std::vector<int> active;
  for (int k = 0; k < stack.members(); ++k) active.push_back(k);
  int steps = 0;
  if (data.size() > 0)
    while (steps < c.max_steps && !active.empty()) {
      ++steps;
      for (int k : active) last_loss[std::size_t(k)] = double(stack.train_step(k, data, c, steps));
      if (steps % 25 != 0 || steps < c.min_steps) continue;
      std::vector<int> kept;
      for (int k : active) {
        if (stack.misfitted(k, judged, c.fit_confidence) == 0)
          finish(k, steps, 0);
        else
          kept.push_back(k);
      }
      active = kept;
    }
  for (int k : active) finish(k, steps, stack.misfitted(k, judged, c.fit_confidence));
  return reports;
}

}  // namespace

bool trainable_together(const Net& a, const Net& b) {
  const NetConfig &x = a.config(), &y = b.config();
  return x.width == y.width && x.depth == y.depth && x.activation == y.activation &&
         x.precision == y.precision && a.group() == b.group() && a.device() == b.device();
}

void check_together(const std::vector<Net*>& nets) {
  for (const Net* n : nets)
    if (!trainable_together(*n, *nets.front()))
      throw std::logic_error("train_together: nets differ in configuration, group or device");
}

std::vector<std::vector<TrainReport>> train_stacked_on_cuda(
    const std::vector<const std::vector<Net*>*>& jobs,
    const std::vector<const ca::PatternCounts*>& counts, const TrainConfig& c) {
  std::vector<std::vector<NetState>> states(jobs.size());
  std::vector<std::vector<NetState*>> nets(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    for (const Net* n : *jobs[j]) states[j].push_back(n->state());
    for (NetState& s : states[j]) nets[j].push_back(&s);
  }
  auto reports = torch_backend().train_stacked(nets, counts, c, /*on_cuda=*/true);
  for (std::size_t j = 0; j < jobs.size(); ++j)
    for (std::size_t k = 0; k < states[j].size(); ++k)
      (*jobs[j])[k]->set_parameters(std::move(states[j][k].params));
  return reports;
}

std::vector<TrainReport> train_together(const std::vector<Net*>& nets,
                                        const ca::PatternCounts& counts, const TrainConfig& c) {
  // Seated: the batch's round checks and trains this job; an error comes back to this thread.
  if (TrainingBatch* batch = TrainingBatch::current()) return batch->train(nets, counts, c);
  return train_together_here(nets, counts, c);
}

std::vector<TrainReport> train_together_here(const std::vector<Net*>& nets,
                                             const ca::PatternCounts& counts,
                                             const TrainConfig& c) {
  if (nets.empty()) return {};
  check_together(nets);
  const Net& f = *nets.front();
  const auto t0 = std::chrono::steady_clock::now();
  if (f.device() == Device::cuda) return train_stacked_on_cuda({&nets}, {&counts}, c).front();
  if (f.config().precision == Precision::float64) return train_on_cpu<double>(nets, counts, c, t0);
  return train_on_cpu<float>(nets, counts, c, t0);
}

bool operator==(const TrainConfig& a, const TrainConfig& b) {
  return a.objective == b.objective && a.optimizer == b.optimizer &&
         a.learning_rate == b.learning_rate && a.weight_decay == b.weight_decay &&
         a.max_steps == b.max_steps && a.fit_confidence == b.fit_confidence &&
         a.min_agreement == b.min_agreement && a.min_steps == b.min_steps;
}

std::uint64_t training_bytes(const NetConfig& c, int nets) {
  const std::uint64_t p = std::uint64_t(std::max(0L, parameter_count(c)));
  const std::uint64_t value = c.precision == Precision::float64 ? 8 : 4;
  // Per net: its parameters as doubles twice (the net and a copy or restart), and in the
  // training stack the parameters, Adam's two moments and the gradient.
  const std::uint64_t per_net = p * (2 * 8 + 4 * value);
  const std::uint64_t work =
      512ULL * 8 * std::uint64_t(c.width) * std::uint64_t(c.depth + 1) * 2 * value;
  return per_net * std::uint64_t(std::max(nets, 0)) + work;
}

TrainReport Net::train(const ca::PatternCounts& counts, const TrainConfig& config) {
  return train_together({this}, counts, config).front();
}

}  // namespace carl::learner
