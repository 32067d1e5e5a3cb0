// The cell net and the G-net as one LibTorch module (the reference for learner/net.cpp).
#include "learner/torch/cell_net.h"

#include <cstring>

#include "ca/error.h"
#include "learner/mlp_stack.h"

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

torch::Tensor permutation_tensor(groups::Subgroup group) {
  const auto rows = kernel_permutations(group);
  torch::Tensor perms = torch::empty({static_cast<long>(rows.size()), 9}, torch::kLong);
  auto acc = perms.accessor<long, 2>();
  for (std::size_t j = 0; j < rows.size(); ++j)
    for (int v = 0; v < 9; ++v) acc[static_cast<long>(j)][v] = rows[j][std::size_t(v)];
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

TorchNet::TorchNet(const NetState& state, torch::Device d)
    : config(state.config),
      group(state.group),
      seed(state.seed),
      device(d),
      dtype(state.config.precision == Precision::float64 ? torch::kFloat64 : torch::kFloat32) {
  if (config.width < 1 || config.depth < 0)
    throw InputError(
        fmt::format("net width {} / depth {} out of range", config.width, config.depth));
  module = CellNet(config);
  module->to(dtype);  // before the copy: float64 parameters must not pass through float32
  torch::NoGradGuard no_grad;
  std::size_t offset = 0;
  for (auto& p : module->parameters()) {
    if (offset + std::size_t(p.numel()) > state.params.size())
      throw InputError("the parameters do not fit the net's configuration");
    const torch::Tensor src = torch::from_blob(const_cast<double*>(state.params.data()) + offset,
                                               {p.numel()}, torch::kFloat64);
    p.copy_(src.view_as(p));
    offset += std::size_t(p.numel());
  }
  if (offset != state.params.size())
    throw InputError("the parameters do not fit the net's configuration");
  module->to(device, dtype);
  perms = permutation_tensor(group).to(device);
  patterns = all_patterns().to(device, dtype);
}

NetState TorchNet::state() const {
  NetState s{config, group, seed, {}};
  for (const auto& p : module->parameters()) {
    const torch::Tensor v = p.detach().to(torch::kCPU, torch::kFloat64).contiguous().reshape({-1});
    s.params.insert(s.params.end(), v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
  }
  return s;
}

torch::Tensor TorchNet::step_tensor(const torch::Tensor& grid, ca::Boundary boundary) {
  torch::Tensor x = grid.unsqueeze(0).unsqueeze(0).to(device, dtype);
  if (boundary == ca::Boundary::torus)
    x = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kCircular));
  return (module->forward(x, perms) > 0).to(torch::kFloat32).squeeze(0).squeeze(0);
}

}  // namespace carl::learner
