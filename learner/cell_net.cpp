// The cell net and the G-net (one LibTorch module), and what a trained net answers: pattern
// probabilities, hard steps, rollouts, its first-layer kernels.
#include <cstring>
#include <mutex>

#include "ca/error.h"
#include "groups/d4.h"
#include "learner/net_impl.h"

namespace carl::learner {

namespace F = torch::nn::functional;

torch::Tensor activate(Activation activation, const torch::Tensor& x) {
  switch (activation) {
    case Activation::tanh:
      return torch::tanh(x);
    case Activation::gelu:
      return torch::gelu(x);
    case Activation::relu:
      break;
  }
  return torch::relu(x);
}

CellNetImpl::CellNetImpl(const NetConfig& c) : activation(c.activation), width(c.width) {
  first = register_module("first", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, c.width, 3)));
  for (int i = 0; i < c.depth; ++i)
    hidden->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(c.width, c.width, 1)));
  register_module("hidden", hidden);
  out = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.width, 1, 1)));
}

torch::Tensor CellNetImpl::forward(const torch::Tensor& x, const torch::Tensor& perms) {
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
  torch::Tensor h = activate(activation, F::conv2d(x, w, F::Conv2dFuncOptions().bias(b)));
  const long batch = h.size(0), rows = h.size(2), cols = h.size(3);
  h = h.reshape({batch * g, width, rows, cols});  // the same 1×1 stack on every orientation
  for (auto& layer : *hidden) h = activate(activation, layer->as<torch::nn::Conv2d>()->forward(h));
  h = out->forward(h);
  return h.reshape({batch, g, rows, cols}).mean(1, /*keepdim=*/true);  // pool over G
}

torch::Tensor kernel_permutations(groups::Subgroup group) {
  // u = g⁻¹(v), read off by transforming an index map.
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

namespace {
torch::Tensor all_patterns() {
  torch::Tensor p = torch::zeros({ca::kPatternCount, 1, 3, 3});
  auto acc = p.accessor<float, 4>();
  for (int i = 0; i < ca::kPatternCount; ++i)
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) acc[i][0][r][c] = ca::pattern_cell(ca::Pattern(i), r, c);
  return p;
}
}  // namespace

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

Net::Impl::Impl(const NetConfig& c, groups::Subgroup g, std::uint64_t s, Device d)
    : config(c),
      group(g),
      seed(s),
      device(torch_device(d)),
      dtype(c.precision == Precision::float64 ? torch::kFloat64 : torch::kFloat32) {
  if (c.width < 1 || c.depth < 0)
    throw InputError(fmt::format("net width {} / depth {} out of range", c.width, c.depth));
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

torch::Tensor Net::Impl::step_tensor(const torch::Tensor& grid, ca::Boundary boundary) {
  torch::Tensor x = grid.unsqueeze(0).unsqueeze(0).to(device, dtype);
  if (boundary == ca::Boundary::torus)
    x = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kCircular));
  return (module->forward(x, perms) > 0).to(torch::kFloat32).squeeze(0).squeeze(0);
}

Net::Net(const NetConfig& config, groups::Subgroup group, std::uint64_t seed, Device device)
    : impl_(std::make_unique<Impl>(config, group, seed, device)) {}
Net::Net(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Net::~Net() = default;
Net::Net(Net&&) noexcept = default;
Net& Net::operator=(Net&&) noexcept = default;

Net Net::transferred(groups::Subgroup group) const {
  auto impl = std::make_unique<Impl>(impl_->config, group, impl_->seed, device());
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
Device Net::device() const {
  return impl_->device.is_cuda() ? Device::cuda : Device::cpu;
}

int Net::parameter_count() const {
  long n = 0;
  for (const auto& p : impl_->module->parameters()) n += p.numel();
  return static_cast<int>(n);
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
  for (std::size_t t = 1; t < truth.frames.size(); ++t) {
    if (boundary == ca::Boundary::window && (cur.size(0) < 3 || cur.size(1) < 3)) break;
    cur = impl_->step_tensor(cur, boundary).to(torch::kCPU);
    r.frames.push_back(tensor_grid(cur));
    r.add(r.frames.back(), truth.frames[t]);
  }
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

}  // namespace carl::learner
