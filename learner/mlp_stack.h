#pragma once
// The pattern path's training step for K nets of one configuration at once, written by hand: on
// the ≤ 512 patterns a net is a multilayer perceptron over the 9 cells (the 3×3 convolution and
// the 1×1 convolutions become matrix products), so forward and backward are a few matrix
// products (BLAS) and element-wise loops per member, with no tensor library in between. On the
// small matrices of this problem LibTorch's per-operation dispatch, autograd and allocations cost
// as much as the arithmetic; here they cost nothing. The same code answers for a trained net
// (logits), so carl's nets need no LibTorch at all (learner/net.h).
#include <array>
#include <cstdint>
#include <vector>

#include "learner/net.h"

namespace carl::learner {

// Patterns x (N×9, row-major, 0/1) with their targets: y = the observed frequency of next state 1
// (the balanced objective), n0, n1 = the counts (the counts objective).
template <class T>
struct PatternSet {
  std::vector<T> x, y, n0, n1;
  long size() const { return static_cast<long>(y.size()); }
};

// Appends pattern p's row of x: its 9 cells, row-major, as 0 or 1.
template <class T>
void append_cells(std::vector<T>& x, ca::Pattern p) {
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) x.push_back(T(ca::pattern_cell(p, r, c)));
}

// perms[j][v] = u with (g_j·K)[v] = K[u], one row per element of the group (LibTorch's CellNet
// lifts its kernels the same way).
std::vector<std::array<int, 9>> kernel_permutations(groups::Subgroup group);

template <class T>
class MlpStack {
 public:
  // perms: the group's kernel permutations, one row of 9 per element (g×9; the identity alone
  // for p1): a G-net lifts each first-layer kernel over G and averages the logits over G.
  // params[k]: member k's parameters flattened in module order (first.weight [C×9], first.bias,
  // then per hidden layer weight [C×C] and bias, then out.weight [C], out.bias).
  MlpStack(const NetConfig& config, const std::vector<std::array<int, 9>>& perms,
           std::vector<std::vector<T>> params);

  int members() const { return static_cast<int>(params_.size()); }
  static long parameter_count(const NetConfig& config);
  const std::vector<T>& params(int k) const { return params_[std::size_t(k)]; }

  // One optimiser step of member k (LibTorch's Adam, or SGD with momentum 0.9, with its L2
  // weight decay), `step` counting from 1; returns the loss before the step.
  T train_step(int k, const PatternSet<T>& data, const TrainConfig& config, int step);

  // How many patterns member k predicts further than 1 − fit_confidence from their y.
  int misfitted(int k, const PatternSet<T>& data, double fit_confidence);

  // Member k's logit of each pattern of data.x (averaged over G).
  std::vector<T> logits(int k, const PatternSet<T>& data);
  // Member k's loss on the data and its gradient (parameter order), under the objective.
  T loss_and_gradient(int k, const PatternSet<T>& data, Objective objective, std::vector<T>& grad);

 private:
  struct Layer {
    long offset;  // of the weight in the flat parameters; the bias follows it
    long in, out;
  };
  long width_, depth_, g_;
  Activation activation_;
  std::vector<std::array<int, 9>> perms_;
  std::vector<std::vector<T>> params_, m_, v_;  // parameters and the optimiser's moments
  // Work space, reused across calls: pre-activations and activations of every layer.
  std::vector<std::vector<T>> pre_, act_;
  std::vector<T> lifted_w_, lifted_b_, grad_, z_, dz_, dh_, da_, lifted_grad_;

  // Member k's logits z, one per pattern (averaged over G), keeping every layer's values.
  void forward(int k, const PatternSet<T>& data, std::vector<T>& z);
};

extern template class MlpStack<float>;
extern template class MlpStack<double>;

}  // namespace carl::learner
