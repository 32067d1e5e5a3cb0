#include "learner/net.h"

#include <malloc.h>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>

#include "ca/error.h"
#include "groups/d4.h"
#include "groups/orbits.h"

namespace carl::learner {
namespace {

namespace F = torch::nn::functional;

// The 3×3 → 1×1 … → 1 stack. forward() takes input already padded for a valid 3×3 convolution
// and the kernel permutations of the group (one row of 9 indices per element).
struct CellNetImpl : torch::nn::Module {
  explicit CellNetImpl(const NetConfig& c) : activation(c.activation), width(c.width) {
    first = register_module("first", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, c.width, 3)));
    for (int i = 0; i < c.depth; ++i)
      hidden->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(c.width, c.width, 1)));
    register_module("hidden", hidden);
    out = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.width, 1, 1)));
  }

  torch::Tensor act(const torch::Tensor& x) const {
    if (activation == "tanh") return torch::tanh(x);
    if (activation == "gelu") return torch::gelu(x);
    return torch::relu(x);
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& perms) {
    const long g = perms.size(0);
    torch::Tensor w = first->weight, b = first->bias;
    if (g > 1) {
      // Lifting: kernel c seen through element j becomes channel j·C + c.
      w = w.reshape({width, 9})
              .index_select(1, perms.reshape({-1}))
              .reshape({width, g, 9})
              .permute({1, 0, 2})
              .reshape({g * width, 1, 3, 3});
      b = b.repeat({g});
    }
    torch::Tensor h = act(F::conv2d(x, w, F::Conv2dFuncOptions().bias(b)));
    const long batch = h.size(0), rows = h.size(2), cols = h.size(3);
    h = h.reshape({batch * g, width, rows, cols});  // the same 1×1 stack on every orientation
    for (auto& layer : *hidden) h = act(layer->as<torch::nn::Conv2d>()->forward(h));
    h = out->forward(h);
    return h.reshape({batch, g, rows, cols}).mean(1, /*keepdim=*/true);  // pool over G
  }

  std::string activation;
  long width;
  torch::nn::Conv2d first{nullptr}, out{nullptr};
  torch::nn::ModuleList hidden;
};
TORCH_MODULE(CellNet);

torch::Tensor kernel_permutations(groups::Subgroup group) {
  // perms[j][v] = u with (g·K)[v] = K[u], i.e. u = g⁻¹(v), read off by transforming an index map.
  Eigen::MatrixXd index(3, 3);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) index(r, c) = 3 * r + c;
  const auto elements = group.elements();
  torch::Tensor perms = torch::empty({static_cast<long>(elements.size()), 9}, torch::kLong);
  auto acc = perms.accessor<long, 2>();
  for (std::size_t j = 0; j < elements.size(); ++j) {
    const Eigen::MatrixXd moved = groups::apply(elements[j], index);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c)
        acc[static_cast<long>(j)][3 * r + c] = static_cast<long>(moved(r, c));
  }
  return perms;
}

// All 512 patterns as 3×3 images, in index order.
torch::Tensor all_patterns() {
  torch::Tensor p = torch::zeros({ca::kPatternCount, 1, 3, 3});
  auto acc = p.accessor<float, 4>();
  for (int i = 0; i < ca::kPatternCount; ++i)
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) acc[i][0][r][c] = ca::pattern_cell(ca::Pattern(i), r, c);
  return p;
}

torch::Tensor grid_tensor(const ca::Grid& g) {
  torch::Tensor t = torch::empty({g.height(), g.width()}, torch::kUInt8);
  std::memcpy(t.data_ptr<std::uint8_t>(), g.cells().data(), g.size());
  return t.to(torch::kFloat32);
}

ca::Grid tensor_grid(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU).to(torch::kUInt8).contiguous();
  ca::Grid g(static_cast<int>(c.size(0)), static_cast<int>(c.size(1)));
  const std::uint8_t* p = c.data_ptr<std::uint8_t>();
  for (int r = 0; r < g.height(); ++r)
    for (int col = 0; col < g.width(); ++col) g.set(r, col, p[r * g.width() + col] != 0);
  return g;
}

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

struct Net::Impl {
  NetConfig config;
  groups::Subgroup group;
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;
  torch::Dtype dtype = torch::kFloat32;
  CellNet module{nullptr};
  torch::Tensor perms;
  torch::Tensor patterns;

  Impl(const NetConfig& c, groups::Subgroup g, std::uint64_t s, const std::string& dev)
      : config(c), group(g), seed(s), device(resolve_device(dev)) {
    if (c.width < 1 || c.depth < 0)
      throw InputError(fmt::format("net width {} / depth {} out of range", c.width, c.depth));
    if (c.activation != "relu" && c.activation != "tanh" && c.activation != "gelu")
      throw InputError(fmt::format("unknown activation '{}' (relu, tanh, gelu)", c.activation));
    if (c.precision != "float32" && c.precision != "float64")
      throw InputError(fmt::format("unknown precision '{}' (float32, float64)", c.precision));
    dtype = c.precision == "float64" ? torch::kFloat64 : torch::kFloat32;
    {
      // LibTorch's generator is global: seeding and drawing the initial weights must not
      // interleave with another thread's (the zoo trains nets in parallel).
      static std::mutex init;
      std::lock_guard<std::mutex> lock(init);
      torch::manual_seed(s);
      module = CellNet(c);
    }
    module->to(device, dtype);
    perms = kernel_permutations(g).to(device);
    patterns = all_patterns().to(device, dtype);
  }

  torch::Tensor pattern_logits() { return module->forward(patterns, perms).reshape({-1}); }

  // The observed patterns (one per orbit under G) with their counts: all the pattern path
  // needs, since unobserved patterns carry no weight.
  struct PatternBatch {
    torch::Tensor x, n0, n1;
  };
  // per_pattern: every observed pattern with its own counts (what "fitted" is judged on, so a
  // G-net cannot pass by averaging an orbit whose members disagree).
  PatternBatch batch(const ca::PatternCounts& counts, double min_agreement,
                     bool per_pattern = false) {
    auto [n0, n1] = count_tensors(counts, per_pattern ? groups::Subgroup() : group, min_agreement);
    const torch::Tensor idx = ((n0 + n1) > 0).nonzero().reshape({-1});
    return {patterns.index_select(0, idx.to(device)), n0.index_select(0, idx).to(device, dtype),
            n1.index_select(0, idx).to(device, dtype)};
  }

  torch::Tensor pattern_loss(const PatternBatch& b, const std::string& objective) {
    if (b.x.size(0) == 0)
      return torch::zeros({}, torch::TensorOptions().dtype(dtype).device(device));
    const torch::Tensor z = module->forward(b.x, perms).reshape({-1});
    if (objective == "counts") {
      // Σ_p n1·(−log σ(z)) + n0·(−log(1 − σ(z))), per cell: the frame loss exactly.
      return (b.n1 * F::softplus(-z) + b.n0 * F::softplus(z)).sum() / (b.n0 + b.n1).sum();
    }
    if (objective == "balanced") {
      const torch::Tensor y = b.n1 / (b.n0 + b.n1);
      return F::binary_cross_entropy_with_logits(z, y);
    }
    throw InputError(fmt::format("unknown training objective '{}' (counts, balanced)", objective));
  }

  std::pair<torch::Tensor, torch::Tensor> frame_batch(const std::vector<ca::Trajectory>& data,
                                                      ca::Boundary boundary) {
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
      y = y.index({torch::indexing::Slice(), torch::indexing::Slice(),
                   torch::indexing::Slice(1, -1), torch::indexing::Slice(1, -1)});
    return {x, y};
  }

  torch::Tensor frame_loss(const torch::Tensor& x, const torch::Tensor& y) {
    return F::binary_cross_entropy_with_logits(module->forward(x, perms), y);
  }

  // Patterns whose predicted probability is further than 1 − fit_confidence from their observed
  // frequency of 1s.
  int misfitted(const PatternBatch& b, double fit_confidence) {
    if (b.x.size(0) == 0) return 0;
    torch::NoGradGuard no_grad;
    const torch::Tensor p = torch::sigmoid(module->forward(b.x, perms).reshape({-1}));
    const torch::Tensor y = b.n1 / (b.n0 + b.n1);
    return static_cast<int>(((p - y).abs() > (1.0 - fit_confidence)).sum().item<long>());
  }

  std::unique_ptr<torch::optim::Optimizer> optimizer(const TrainConfig& c) {
    if (c.optimizer == "adam")
      return std::make_unique<torch::optim::Adam>(
          module->parameters(),
          torch::optim::AdamOptions(c.learning_rate).weight_decay(c.weight_decay));
    if (c.optimizer == "sgd")
      return std::make_unique<torch::optim::SGD>(
          module->parameters(),
          torch::optim::SGDOptions(c.learning_rate).momentum(0.9).weight_decay(c.weight_decay));
    throw InputError(fmt::format("unknown optimizer '{}' (adam, sgd)", c.optimizer));
  }

  std::vector<double> flat_gradient() {
    std::vector<double> g;
    for (const auto& p : module->parameters()) {
      const torch::Tensor grad = p.grad().to(torch::kCPU).to(torch::kFloat64).reshape({-1});
      g.insert(g.end(), grad.data_ptr<double>(), grad.data_ptr<double>() + grad.numel());
    }
    return g;
  }

  torch::Tensor step_tensor(const torch::Tensor& grid, ca::Boundary boundary) {
    torch::Tensor x = grid.unsqueeze(0).unsqueeze(0).to(device, dtype);
    if (boundary == ca::Boundary::torus)
      x = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kCircular));
    return (module->forward(x, perms) > 0).to(torch::kFloat32).squeeze(0).squeeze(0);
  }
};

Net::Net(const NetConfig& config, groups::Subgroup group, std::uint64_t seed,
         const std::string& device)
    : impl_(std::make_unique<Impl>(config, group, seed, device)) {}
Net::Net(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Net::~Net() = default;
Net::Net(Net&&) noexcept = default;
Net& Net::operator=(Net&&) noexcept = default;

Net Net::transferred(groups::Subgroup group) const {
  auto impl = std::make_unique<Impl>(impl_->config, group, impl_->seed,
                                     impl_->device.is_cuda() ? "cuda" : "cpu");
  torch::NoGradGuard no_grad;
  const auto src = impl_->module->parameters();
  auto dst = impl->module->parameters();
  for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  return Net(std::move(impl));
}

Net Net::clone() const {
  return transferred(impl_->group);
}

const NetConfig& Net::config() const {
  return impl_->config;
}
groups::Subgroup Net::group() const {
  return impl_->group;
}
std::uint64_t Net::seed() const {
  return impl_->seed;
}
std::string Net::device() const {
  return impl_->device.is_cuda() ? "cuda" : "cpu";
}

int Net::parameter_count() const {
  long n = 0;
  for (const auto& p : impl_->module->parameters()) n += p.numel();
  return static_cast<int>(n);
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
TrainReport Net::train(const ca::PatternCounts& counts, const TrainConfig& c) {
  if (c.data_path == "frames")
    throw InputError("Net::train is the pattern path; use train_frames for frames");
  const auto b = impl_->batch(counts, c.min_agreement);
  const auto judged = impl_->batch(counts, c.min_agreement, /*per_pattern=*/c.min_agreement == 0);
  return fit(*impl_, judged, c, [&] { return impl_->pattern_loss(b, c.objective); });
}

TrainReport Net::train_frames(const std::vector<ca::Trajectory>& data, ca::Boundary boundary,
                              const TrainConfig& c) {
  const auto [x, y] = impl_->frame_batch(data, boundary);
  ca::PatternCounts counts;
  for (const auto& t : data) counts.add(t, boundary);
  const auto judged = impl_->batch(counts, c.min_agreement, /*per_pattern=*/c.min_agreement == 0);
  return fit(*impl_, judged, c, [&] { return impl_->frame_loss(x, y); });
}

namespace {

// The parameters of K nets of one configuration, stacked: row k of `flat` is net k's parameters
// flattened in module order (first.weight, first.bias, hidden weights and biases, out.weight,
// out.bias), so one optimiser update covers them all. On patterns the net is a multilayer
// perceptron over the 9 cells; the 3×3 and 1×1 convolutions become batched matrix products.
struct Stack {
  long width = 0, depth = 0, g = 1;
  std::string activation;
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

  torch::Tensor act(const torch::Tensor& x) const {
    if (activation == "tanh") return torch::tanh(x);
    if (activation == "gelu") return torch::gelu(x);
    return torch::relu(x);
  }

  // Logits [K, N] of patterns x [N, 9] under the parameters f [K, P].
  torch::Tensor logits(const torch::Tensor& f, const torch::Tensor& x) const {
    const long k = f.size(0), n = x.size(0);
    torch::Tensor w = param(f, 0, {width, 9}), b = param(f, 1, {width});
    if (g > 1) {
      // Lifting, as CellNet does it: kernel c seen through element j is channel j·C + c.
      w = w.index_select(2, perms)
              .view({k, width, g, 9})
              .permute({0, 2, 1, 3})
              .reshape({k, g * width, 9});
      b = b.repeat({1, g});
    }
    torch::Tensor h = act(torch::matmul(x, w.transpose(1, 2)) + b.unsqueeze(1));  // [K,N,gC]
    h = h.view({k, n * g, width});  // the same 1×1 stack on every orientation
    std::size_t i = 2;
    for (long l = 0; l < depth; ++l, i += 2)
      h = act(torch::baddbmm(param(f, i + 1, {width}).unsqueeze(1), h,
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

std::vector<TrainReport> train_together(const std::vector<Net*>& nets,
                                        const ca::PatternCounts& counts, const TrainConfig& c) {
  if (nets.empty()) return {};
  if (c.data_path == "frames")
    throw InputError("train_together is the pattern path; use train_frames for frames");
  if (c.optimizer != "adam" && c.optimizer != "sgd")
    throw InputError(fmt::format("unknown optimizer '{}' (adam, sgd)", c.optimizer));
  if (c.objective != "counts" && c.objective != "balanced")
    throw InputError(
        fmt::format("unknown training objective '{}' (counts, balanced)", c.objective));
  std::vector<Net::Impl*> impls;
  for (Net* n : nets) {
    Net::Impl& i = *n->impl_;
    const Net::Impl& f = *nets.front()->impl_;
    if (i.config.width != f.config.width || i.config.depth != f.config.depth ||
        i.config.activation != f.config.activation || i.config.precision != f.config.precision ||
        i.group != f.group || i.device != f.device)
      throw std::logic_error("train_together: nets differ in configuration, group or device");
    impls.push_back(&i);
  }
  const auto t0 = std::chrono::steady_clock::now();
  Net::Impl& lead = *impls.front();
  const auto b = lead.batch(counts, c.min_agreement);
  const auto judged = lead.batch(counts, c.min_agreement, /*per_pattern=*/c.min_agreement == 0);
  const torch::Tensor x = b.x.reshape({b.x.size(0), 9});
  const torch::Tensor xj = judged.x.reshape({judged.x.size(0), 9});
  const torch::Tensor y = b.n1 / (b.n0 + b.n1);
  const torch::Tensor yj = judged.n1 / (judged.n0 + judged.n1);

  std::vector<std::vector<torch::Tensor>> params;
  for (Net::Impl* i : impls) params.push_back(i->module->parameters());
  Stack stack(lead.config, lead.perms, params);
  std::vector<TrainReport> reports(nets.size());
  std::vector<long> active(nets.size());  // row of the stack → net
  for (std::size_t k = 0; k < nets.size(); ++k) active[k] = static_cast<long>(k);
  torch::Tensor flat = stack.flat.clone(), m = torch::zeros_like(flat), v = torch::zeros_like(flat);
  torch::Tensor last_loss;

  auto misfitted = [&](const torch::Tensor& f) {
    if (xj.size(0) == 0) return torch::zeros({f.size(0)}, torch::kLong);
    torch::NoGradGuard no_grad;
    const torch::Tensor p = torch::sigmoid(stack.logits(f, xj));
    return ((p - yj).abs() > (1.0 - c.fit_confidence)).sum(1).to(torch::kCPU);
  };
  auto finish = [&](long row, long net, int steps, long misfit) {
    TrainReport& r = reports[static_cast<std::size_t>(net)];
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
  // Keeps the rows whose misfit count is not zero; the others are finished.
  auto retire = [&](const torch::Tensor& misfit, int steps, bool all) {
    auto acc = misfit.accessor<long, 1>();
    std::vector<long> keep, kept_nets;
    for (long row = 0; row < static_cast<long>(active.size()); ++row) {
      if (all || acc[row] == 0)
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
    if (last_loss.defined()) last_loss = last_loss.index_select(0, idx);
    active = kept_nets;
  };

  int steps = 0;
  if (x.size(0) > 0) {
    const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const bool adam = c.optimizer == "adam";
    const torch::Tensor n_sum = (b.n0 + b.n1).sum();
    while (steps < c.max_steps && !active.empty()) {
      flat.requires_grad_(true);
      const torch::Tensor z = stack.logits(flat, x);
      torch::Tensor losses;
      if (c.objective == "counts")
        losses = (b.n1 * F::softplus(-z) + b.n0 * F::softplus(z)).sum(1) / n_sum;
      else
        losses = F::binary_cross_entropy_with_logits(
                     z, y.expand_as(z),
                     F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone))
                     .mean(1);
      losses.sum().backward();
      torch::Tensor grad = flat.grad();
      flat = flat.detach();
      last_loss = losses.detach();
      ++steps;
      // The optimiser of Net::train (LibTorch's Adam / SGD with momentum 0.9), row by row.
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
      if (steps % 25 == 0 && steps >= c.min_steps) retire(misfitted(flat), steps, false);
    }
  }
  if (!active.empty()) retire(misfitted(flat), steps, true);
  return reports;
}

std::pair<double, std::vector<double>> Net::loss_and_gradient(const ca::PatternCounts& counts,
                                                              const std::string& objective) {
  for (auto& p : impl_->module->parameters()) p.mutable_grad() = torch::Tensor();
  torch::Tensor loss = impl_->pattern_loss(impl_->batch(counts, 0.0), objective);
  loss.backward();
  return {loss.item<double>(), impl_->flat_gradient()};
}

std::pair<double, std::vector<double>> Net::loss_and_gradient(
    const std::vector<ca::Trajectory>& data, ca::Boundary boundary) {
  for (auto& p : impl_->module->parameters()) p.mutable_grad() = torch::Tensor();
  auto [x, y] = impl_->frame_batch(data, boundary);
  torch::Tensor loss = impl_->frame_loss(x, y);
  loss.backward();
  return {loss.item<double>(), impl_->flat_gradient()};
}

std::array<double, ca::kPatternCount> Net::predict_patterns() const {
  torch::NoGradGuard no_grad;
  const torch::Tensor p =
      torch::sigmoid(impl_->pattern_logits()).to(torch::kCPU).to(torch::kFloat64).contiguous();
  std::array<double, ca::kPatternCount> out{};
  std::memcpy(out.data(), p.data_ptr<double>(), sizeof(double) * ca::kPatternCount);
  return out;
}

ca::Grid Net::step(const ca::Grid& grid, ca::Boundary boundary) const {
  torch::NoGradGuard no_grad;
  return tensor_grid(impl_->step_tensor(grid_tensor(grid), boundary));
}

Rollout Net::rollout(const ca::Trajectory& truth, ca::Boundary boundary) const {
  torch::NoGradGuard no_grad;
  Rollout r;
  if (truth.frames.empty()) return r;
  torch::Tensor cur = grid_tensor(truth.frames[0]);
  double wrong = 0, cells = 0;
  for (std::size_t t = 1; t < truth.frames.size(); ++t) {
    if (boundary == ca::Boundary::window && (cur.size(0) < 3 || cur.size(1) < 3)) break;
    cur = impl_->step_tensor(cur, boundary).to(torch::kCPU);
    const ca::Grid y = tensor_grid(cur);
    const int k = boundary == ca::Boundary::window ? static_cast<int>(t) : 0;
    const ca::Grid want = truth.frames[t].crop(k, k, truth.frames[t].height() - 2 * k,
                                               truth.frames[t].width() - 2 * k);
    double w = 0;
    for (std::size_t i = 0; i < y.size(); ++i) w += y.cells()[i] != want.cells()[i];
    r.per_step.push_back(y.size() ? w / static_cast<double>(y.size()) : 0.0);
    wrong += w;
    cells += static_cast<double>(y.size());
    r.wrong_cells += static_cast<long>(w);
    r.cells += static_cast<long>(y.size());
    r.frames.push_back(y);
  }
  r.loss = cells > 0 ? wrong / cells : 0.0;
  return r;
}

std::vector<Eigen::MatrixXd> Net::first_layer_kernels() const {
  const torch::Tensor w =
      impl_->module->first->weight.detach().to(torch::kCPU).to(torch::kFloat64).contiguous();
  std::vector<Eigen::MatrixXd> out;
  const double* p = w.data_ptr<double>();
  for (long c = 0; c < w.size(0); ++c) {
    Eigen::MatrixXd k(3, 3);
    for (int r = 0; r < 3; ++r)
      for (int col = 0; col < 3; ++col) k(r, col) = p[c * 9 + r * 3 + col];
    out.push_back(k);
  }
  return out;
}

void Net::save(const std::string& path) const {
  const std::string bytes = serialized();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw InputError(fmt::format("{}: cannot write the net", path));
}

std::string Net::serialized() const {
  torch::serialize::OutputArchive archive;
  impl_->module->save(archive);
  const NetConfig& c = impl_->config;
  archive.write("carl_meta",
                c10::IValue(fmt::format(
                    "width={};depth={};activation={};precision={};group={};seed={}", c.width,
                    c.depth, c.activation, c.precision, impl_->group.name(), impl_->seed)));
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

Net Net::load(const std::string& path, const std::string& device) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: not a carl net checkpoint", path));
  }
  c10::IValue meta;
  if (!archive.try_read("carl_meta", meta) || !meta.isString())
    throw InputError(fmt::format("{}: checkpoint has no carl metadata", path));
  NetConfig c;
  std::string group = "p1";
  std::uint64_t seed = 0;
  std::stringstream fields(meta.toStringRef());
  std::string field;
  while (std::getline(fields, field, ';')) {
    const auto eq = field.find('=');
    const std::string k = field.substr(0, eq), v = field.substr(eq + 1);
    if (k == "width") c.width = std::stoi(v);
    if (k == "depth") c.depth = std::stoi(v);
    if (k == "activation") c.activation = v;
    if (k == "precision") c.precision = v;
    if (k == "group") group = v;
    if (k == "seed") seed = std::stoull(v);
  }
  Net net(c, groups::Subgroup::parse(group), seed, device);
  net.impl_->module->load(archive);
  net.impl_->module->to(net.impl_->device, net.impl_->dtype);
  return net;
}

bool keep_freed_memory() {
  // Never return freed blocks via munmap, and trim the heap only above 1 GiB.
  const bool a = mallopt(M_MMAP_MAX, 0) == 1;
  const bool b = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  return a && b;
}

void default_freed_memory() {
  mallopt(M_MMAP_MAX, 65536);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

void set_threads(int threads) {
  torch::set_num_threads(threads);
}

std::string resolve_device(const std::string& device) {
  if (device == "cpu") return "cpu";
  if (device == "cuda") {
    if (!torch::cuda::is_available())
      throw InputError("device 'cuda' asked for, but LibTorch has no CUDA or no GPU is present");
    return "cuda";
  }
  if (device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  throw InputError(fmt::format("unknown device '{}' (auto, cpu, cuda)", device));
}

}  // namespace carl::learner
