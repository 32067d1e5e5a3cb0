// LibTorch's training of a net: the pattern path (counts of the ≤ 512 patterns) and the frame path
// with autograd and LibTorch's optimisers (the references), and the nets of a committee stacked
// into one batched model (train_together on CUDA).
#include <chrono>
#include <cmath>

#include "ca/error.h"
#include "groups/orbits.h"
#include "learner/torch/cell_net.h"

namespace carl::learner {
namespace {

namespace F = torch::nn::functional;

// Per-pattern counts, aggregated over G-orbits onto each orbit's representative when the net is
// G-invariant (its output is the same on the whole orbit).
std::pair<torch::Tensor, torch::Tensor> count_tensors(const ca::PatternCounts& counts,
                                                      groups::Subgroup group,
                                                      double min_agreement = 0.0) {
  torch::Tensor n0 = torch::zeros({ca::kPatternCount}, torch::kFloat64);
  torch::Tensor n1 = torch::zeros({ca::kPatternCount}, torch::kFloat64);
  auto a0 = n0.accessor<double, 1>(), a1 = n1.accessor<double, 1>();
  const groups::Orbits orbits(group);
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const int rep = orbits.representative(orbits.orbit_of(ca::Pattern(p)));
    a0[rep] += static_cast<double>(counts.n[static_cast<std::size_t>(p)][0]);
    a1[rep] += static_cast<double>(counts.n[static_cast<std::size_t>(p)][1]);
  }
  if (min_agreement > 0) {
    const torch::Tensor agreement = torch::max(n0, n1) / (n0 + n1).clamp_min(1);
    const torch::Tensor keep = agreement >= min_agreement;
    // What is kept is read as its majority state: the minority is taken for noise.
    const torch::Tensor total = (n0 + n1) * keep;
    const torch::Tensor ones = n1 > n0;
    n1 = total * ones;
    n0 = total * ones.logical_not();
  }
  return {n0.to(torch::kFloat32), n1.to(torch::kFloat32)};
}

}  // namespace

TorchNet::PatternBatch TorchNet::batch(const ca::PatternCounts& counts, double min_agreement,
                                       bool per_pattern) {
  auto [n0, n1] = count_tensors(counts, per_pattern ? groups::Subgroup() : group, min_agreement);
  const torch::Tensor idx = ((n0 + n1) > 0).nonzero().reshape({-1});
  return {patterns.index_select(0, idx.to(device)), n0.index_select(0, idx).to(device, dtype),
          n1.index_select(0, idx).to(device, dtype)};
}

torch::Tensor TorchNet::pattern_loss(const PatternBatch& b, Objective objective) {
  if (b.x.size(0) == 0) return torch::zeros({}, torch::TensorOptions().dtype(dtype).device(device));
  const torch::Tensor z = module->forward(b.x, perms).reshape({-1});
  if (objective == Objective::counts) {
    // Σ_p n1·(−log σ(z)) + n0·(−log(1 − σ(z))), per cell: the frame loss exactly.
    return (b.n1 * F::softplus(-z) + b.n0 * F::softplus(z)).sum() / (b.n0 + b.n1).sum();
  }
  const torch::Tensor y = b.n1 / (b.n0 + b.n1);
  return F::binary_cross_entropy_with_logits(z, y);
}

std::pair<torch::Tensor, torch::Tensor> TorchNet::frame_batch(
    const std::vector<ca::Trajectory>& data, ca::Boundary boundary) {
  std::vector<torch::Tensor> xs, ys;
  for (const ca::Trajectory& t : data)
    for (std::size_t i = 0; i + 1 < t.frames.size(); ++i) {
      xs.push_back(grid_tensor(t.frames[i]));
      ys.push_back(grid_tensor(t.frames[i + 1]));
    }
  if (xs.empty()) throw InputError("no transitions to train on");
  torch::Tensor x = torch::stack(xs).unsqueeze(1).to(device, dtype);
  torch::Tensor y = torch::stack(ys).unsqueeze(1).to(device, dtype);
  if (boundary == ca::Boundary::torus)
    x = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kCircular));
  else
    y = y.index({torch::indexing::Slice(), torch::indexing::Slice(), torch::indexing::Slice(1, -1),
                 torch::indexing::Slice(1, -1)});
  return {x, y};
}

torch::Tensor TorchNet::frame_loss(const torch::Tensor& x, const torch::Tensor& y) {
  return F::binary_cross_entropy_with_logits(module->forward(x, perms), y);
}

int TorchNet::misfitted(const PatternBatch& b, double fit_confidence) {
  if (b.x.size(0) == 0) return 0;
  torch::NoGradGuard no_grad;
  const torch::Tensor p = torch::sigmoid(module->forward(b.x, perms).reshape({-1}));
  const torch::Tensor y = b.n1 / (b.n0 + b.n1);
  return static_cast<int>(((p - y).abs() > (1.0 - fit_confidence)).sum().item<long>());
}

std::unique_ptr<torch::optim::Optimizer> TorchNet::optimizer(const TrainConfig& c) {
  if (c.optimizer == Optimizer::sgd)
    return std::make_unique<torch::optim::SGD>(
        module->parameters(),
        torch::optim::SGDOptions(c.learning_rate).momentum(0.9).weight_decay(c.weight_decay));
  return std::make_unique<torch::optim::Adam>(
      module->parameters(),
      torch::optim::AdamOptions(c.learning_rate).weight_decay(c.weight_decay));
}

std::vector<double> TorchNet::flat_gradient() {
  std::vector<double> g;
  for (const auto& p : module->parameters()) {
    const torch::Tensor grad = p.grad().to(torch::kCPU).to(torch::kFloat64).reshape({-1});
    g.insert(g.end(), grad.data_ptr<double>(), grad.data_ptr<double>() + grad.numel());
  }
  return g;
}

namespace {

// Optimiser steps on `loss` until every pattern of `judged` is fitted (checked every 25 steps) or
// the step budget is spent.
template <class Loss, class Impl, class Batch>
TrainReport fit(Impl& impl, const Batch& judged, const TrainConfig& c, Loss&& loss_fn) {
  const auto t0 = std::chrono::steady_clock::now();
  auto opt = impl.optimizer(c);
  impl.module->train();
  TrainReport r;
  for (r.steps = 0; r.steps < c.max_steps;) {
    opt->zero_grad();
    torch::Tensor loss = loss_fn();
    loss.backward();
    opt->step();
    ++r.steps;
    r.final_loss = loss.item<double>();
    if (r.steps % 25 == 0 && r.steps >= c.min_steps &&
        impl.misfitted(judged, c.fit_confidence) == 0)
      break;
  }
  r.misfitted = impl.misfitted(judged, c.fit_confidence);
  r.converged = r.misfitted == 0;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

// Both paths are judged alike: per pattern, so that a G-net cannot pass by averaging an orbit
// whose members disagree; on noisy data (min_agreement > 0) the orbit's majority is the estimate,
// judged per orbit.
TrainReport train_patterns(TorchNet& net, const ca::PatternCounts& counts, const TrainConfig& c) {
  const auto b = net.batch(counts, c.min_agreement);
  const auto judged = net.batch(counts, c.min_agreement, /*per_pattern=*/c.min_agreement == 0);
  return fit(net, judged, c, [&] { return net.pattern_loss(b, c.objective); });
}

TrainReport train_frames(TorchNet& net, const std::vector<ca::Trajectory>& data,
                         ca::Boundary boundary, const TrainConfig& c) {
  const auto [x, y] = net.frame_batch(data, boundary);
  ca::PatternCounts counts;
  for (const auto& t : data) counts.add(t, boundary);
  const auto judged = net.batch(counts, c.min_agreement, /*per_pattern=*/c.min_agreement == 0);
  return fit(net, judged, c, [&] { return net.frame_loss(x, y); });
}

namespace {

// On CUDA, train_together runs on LibTorch's tensors. The parameters of K nets of one
// configuration, stacked: row k of `flat` is net k's parameters
// flattened in module order (first.weight, first.bias, hidden weights and biases, out.weight,
// out.bias), so one optimiser update covers them all. On patterns the net is a multilayer
// perceptron over the 9 cells; the 3×3 and 1×1 convolutions become batched matrix products.
struct Stack {
  long width = 0, depth = 0, g = 1;
  Activation activation;
  torch::Tensor perms;  // the group's kernel permutations, flattened
  std::vector<long> offsets, sizes;
  torch::Tensor flat;  // [K, P]

  // params[k]: net k's parameters in module order.
  Stack(const NetConfig& config, const torch::Tensor& group_perms,
        const std::vector<std::vector<torch::Tensor>>& params);

  torch::Tensor param(const torch::Tensor& f, std::size_t i, torch::IntArrayRef shape) const {
    std::vector<long> s = {f.size(0)};
    s.insert(s.end(), shape.begin(), shape.end());
    return f.narrow(1, offsets[i], sizes[i]).view(s);
  }

  // Logits [K, N] of patterns x ([N, 9], or [K, N, 9]: row k's own) under the parameters f [K, P].
  torch::Tensor logits(const torch::Tensor& f, const torch::Tensor& x) const {
    const long k = f.size(0), n = x.size(-2);
    torch::Tensor w = param(f, 0, {width, 9}), b = param(f, 1, {width});
    if (g > 1) {
      // Lifting, as CellNet does it: kernel c seen through element j is channel j·C + c.
      w = w.index_select(2, perms)
              .view({k, width, g, 9})
              .permute({0, 2, 1, 3})
              .reshape({k, g * width, 9});
      b = b.repeat({1, g});
    }
    torch::Tensor h =
        activate(activation, torch::matmul(x, w.transpose(1, 2)) + b.unsqueeze(1));  // [K,N,gC]
    h = h.view({k, n * g, width});  // the same 1×1 stack on every orientation
    std::size_t i = 2;
    for (long l = 0; l < depth; ++l, i += 2)
      h = activate(activation, torch::baddbmm(param(f, i + 1, {width}).unsqueeze(1), h,
                                              param(f, i, {width, width}).transpose(1, 2)));
    const torch::Tensor z = torch::baddbmm(param(f, i + 1, {1}).unsqueeze(1), h,
                                           param(f, i, {1, width}).transpose(1, 2));
    return z.view({k, n, g}).mean(2);  // pool over G
  }
};

Stack::Stack(const NetConfig& config, const torch::Tensor& group_perms,
             const std::vector<std::vector<torch::Tensor>>& params)
    : width(config.width),
      depth(config.depth),
      g(group_perms.size(0)),
      activation(config.activation),
      perms(group_perms.reshape({-1})) {
  for (const auto& p : params.front()) {
    offsets.push_back(offsets.empty() ? 0 : offsets.back() + sizes.back());
    sizes.push_back(p.numel());
  }
  std::vector<torch::Tensor> rows;
  for (const auto& net : params) {
    std::vector<torch::Tensor> parts;
    for (const auto& p : net) parts.push_back(p.detach().reshape({-1}));
    rows.push_back(torch::cat(parts));
  }
  flat = torch::stack(rows);
}

}  // namespace

namespace {

// The pattern sets of several jobs as rows of one tensor, padded to the longest: a padded pattern
// has zero counts and a zero mask, so it weighs nothing in any loss or misfit count.
struct PaddedPatterns {
  torch::Tensor x;                // [J, N, 9]
  torch::Tensor n0, n1, y, mask;  // [J, N]
  torch::Tensor size;             // [J]: each row's number of real patterns

  PaddedPatterns(const std::vector<TorchNet::PatternBatch>& sets, const torch::TensorOptions& o) {
    long longest = 0;
    for (const auto& b : sets) longest = std::max(longest, long(b.x.size(0)));
    const long jobs = long(sets.size());
    x = torch::zeros({jobs, longest, 9}, o);
    n0 = torch::zeros({jobs, longest}, o);
    n1 = torch::zeros({jobs, longest}, o);
    y = torch::zeros({jobs, longest}, o);
    mask = torch::zeros({jobs, longest}, o);
    for (long j = 0; j < jobs; ++j) {
      const auto& b = sets[std::size_t(j)];
      const long n = b.x.size(0);
      if (n == 0) continue;
      x[j].narrow(0, 0, n).copy_(b.x.reshape({n, 9}));
      n0[j].narrow(0, 0, n).copy_(b.n0);
      n1[j].narrow(0, 0, n).copy_(b.n1);
      y[j].narrow(0, 0, n).copy_(b.n1 / (b.n0 + b.n1));
      mask[j].narrow(0, 0, n).fill_(1);
    }
    size = mask.sum(1);
  }

  // The same rows for each stacked net (row r holds job `job[r]`'s patterns).
  void select(const torch::Tensor& rows) {
    for (torch::Tensor* t : {&x, &n0, &n1, &y, &mask, &size}) *t = t->index_select(0, rows);
  }
};

}  // namespace

// The nets share configuration and group (learner::train_together checks); each job's nets
// follow the trajectory they would follow stacked alone.
std::vector<std::vector<TrainReport>> train_stacked(const std::vector<StackedJob>& jobs,
                                                    const TrainConfig& c) {
  std::vector<std::vector<TrainReport>> reports(jobs.size());
  std::vector<TorchNet*> impls;
  std::vector<long> job_of, member_of;  // per net of the stack
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    reports[j].resize(jobs[j].nets.size());
    for (std::size_t k = 0; k < jobs[j].nets.size(); ++k) {
      impls.push_back(jobs[j].nets[k]);
      job_of.push_back(long(j));
      member_of.push_back(long(k));
    }
  }
  if (impls.empty()) return reports;
  const auto t0 = std::chrono::steady_clock::now();
  TorchNet& lead = *impls.front();
  const auto options = torch::TensorOptions().dtype(lead.dtype).device(lead.device);
  std::vector<TorchNet::PatternBatch> sets, judged_sets;
  for (const StackedJob& job : jobs) {
    sets.push_back(lead.batch(*job.counts, c.min_agreement));
    judged_sets.push_back(lead.batch(*job.counts, c.min_agreement, c.min_agreement == 0));
  }
  // Row r of the stack is net r, whose data are its job's.
  const torch::Tensor rows = torch::tensor(job_of, torch::kLong).to(lead.device);
  PaddedPatterns data(sets, options), judged(judged_sets, options);
  data.select(rows);
  judged.select(rows);

  std::vector<std::vector<torch::Tensor>> params;
  for (TorchNet* i : impls) params.push_back(i->module->parameters());
  Stack stack(lead.config, lead.perms, params);
  std::vector<long> active(impls.size());  // row of the stack → net
  for (std::size_t k = 0; k < impls.size(); ++k) active[k] = static_cast<long>(k);
  torch::Tensor flat = stack.flat.clone(), m = torch::zeros_like(flat), v = torch::zeros_like(flat);
  torch::Tensor last_loss;

  auto misfitted = [&](const torch::Tensor& f) {
    torch::NoGradGuard no_grad;
    const torch::Tensor p = torch::sigmoid(stack.logits(f, judged.x));
    return (((p - judged.y).abs() > (1.0 - c.fit_confidence)) * judged.mask)
        .sum(1)
        .to(torch::kCPU, torch::kLong);
  };
  auto finish = [&](long row, long net, int steps, long misfit) {
    TrainReport& r =
        reports[std::size_t(job_of[std::size_t(net)])][std::size_t(member_of[std::size_t(net)])];
    r.steps = steps;
    r.final_loss = last_loss.defined() ? last_loss[row].item<double>() : 0.0;
    r.misfitted = static_cast<int>(misfit);
    r.converged = misfit == 0;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    torch::NoGradGuard no_grad;
    const torch::Tensor mine = flat[row];
    auto params = impls[static_cast<std::size_t>(net)]->module->parameters();
    for (std::size_t i = 0; i < params.size(); ++i)
      params[i].copy_(mine.narrow(0, stack.offsets[i], stack.sizes[i]).view_as(params[i]));
  };
  // Finishes the rows that `done` marks (all rows when `all`) and keeps the others.
  auto retire = [&](const torch::Tensor& misfit, const std::vector<bool>& done, int steps) {
    auto acc = misfit.accessor<long, 1>();
    std::vector<long> keep, kept_nets;
    for (long row = 0; row < static_cast<long>(active.size()); ++row) {
      if (done[std::size_t(row)])
        finish(row, active[static_cast<std::size_t>(row)], steps, acc[row]);
      else {
        keep.push_back(row);
        kept_nets.push_back(active[static_cast<std::size_t>(row)]);
      }
    }
    if (keep.size() == active.size()) return;
    const torch::Tensor idx = torch::tensor(keep, torch::kLong).to(flat.device());
    flat = flat.index_select(0, idx);
    m = m.index_select(0, idx);
    v = v.index_select(0, idx);
    data.select(idx);
    judged.select(idx);
    if (last_loss.defined()) last_loss = last_loss.index_select(0, idx);
    active = kept_nets;
  };
  auto verdicts = [&](int steps, bool all) {
    if (active.empty()) return;
    const torch::Tensor misfit = misfitted(flat);
    auto acc = misfit.accessor<long, 1>();
    std::vector<bool> done(active.size());
    for (std::size_t row = 0; row < active.size(); ++row) done[row] = all || acc[long(row)] == 0;
    retire(misfit, done, steps);
  };
  // A net without data is not trained (as a job alone: no step is taken).
  {
    const torch::Tensor empty = (data.size == 0).to(torch::kCPU);
    auto acc = empty.accessor<bool, 1>();
    std::vector<bool> done(active.size());
    bool any = false;
    for (std::size_t row = 0; row < active.size(); ++row) any |= done[row] = acc[long(row)];
    if (any) retire(misfitted(flat), done, 0);
  }

  int steps = 0;
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const bool adam = c.optimizer == Optimizer::adam;
  while (steps < c.max_steps && !active.empty()) {
    flat.requires_grad_(true);
    const torch::Tensor z = stack.logits(flat, data.x);
    torch::Tensor losses;
    if (c.objective == Objective::counts)
      losses = (data.n1 * F::softplus(-z) + data.n0 * F::softplus(z)).sum(1) /
               (data.n0 + data.n1).sum(1);
    else
      losses =
          (F::binary_cross_entropy_with_logits(
               z, data.y, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone)) *
           data.mask)
              .sum(1) /
          data.size;
    losses.sum().backward();
    torch::Tensor grad = flat.grad();
    flat = flat.detach();
    last_loss = losses.detach();
    ++steps;
    // The optimiser of train_patterns (LibTorch's Adam / SGD with momentum 0.9), row by row.
    if (c.weight_decay != 0) grad = grad.add(flat, c.weight_decay);
    if (adam) {
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      const double bc1 = 1 - std::pow(beta1, steps), bc2 = 1 - std::pow(beta2, steps);
      const torch::Tensor denom = (v.sqrt() / std::sqrt(bc2)).add_(eps);
      flat.addcdiv_(m, denom, -c.learning_rate / bc1);
    } else {
      if (steps == 1)
        m = grad.clone();
      else
        m.mul_(0.9).add_(grad);
      flat.add_(m, -c.learning_rate);
    }
    if (steps % 25 == 0 && steps >= c.min_steps) verdicts(steps, false);
  }
  verdicts(steps, true);
  return reports;
}

std::pair<double, std::vector<double>> loss_and_gradient(TorchNet& net,
                                                         const ca::PatternCounts& counts,
                                                         Objective objective) {
  for (auto& p : net.module->parameters()) p.mutable_grad() = torch::Tensor();
  torch::Tensor loss = net.pattern_loss(net.batch(counts, 0.0), objective);
  loss.backward();
  return {loss.item<double>(), net.flat_gradient()};
}

std::pair<double, std::vector<double>> loss_and_gradient(TorchNet& net,
                                                         const std::vector<ca::Trajectory>& data,
                                                         ca::Boundary boundary) {
  for (auto& p : net.module->parameters()) p.mutable_grad() = torch::Tensor();
  auto [x, y] = net.frame_batch(data, boundary);
  torch::Tensor loss = net.frame_loss(x, y);
  loss.backward();
  return {loss.item<double>(), net.flat_gradient()};
}

}  // namespace carl::learner
