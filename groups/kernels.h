#pragma once
// Symmetry of convolution kernels (k×k, k odd, plain Eigen; no LibTorch here): the projection
// onto the G-invariant subspace, and how far a set of kernels is from being closed under each
// element of D4 — the learner's kernel-inspection symmetry detector reads these scores.
#include <Eigen/Core>
#include <array>
#include <vector>

#include "groups/subgroup.h"

namespace carl::groups {

using Kernel = Eigen::MatrixXd;

// The group average (1/|G|) Σ_g g·K: the closest G-invariant kernel in the Frobenius norm.
// Idempotent, and the identity on invariant kernels.
Kernel project(const Kernel& kernel, Subgroup group);
std::vector<Kernel> project(const std::vector<Kernel>& kernels, Subgroup group);

// Every g·K for g in G (G's elements in the outer order, identity first): the first layer a
// G-net applies (learner/mlp_stack.h lifts each of its kernels over G so), closed under every
// element of G whatever the kernels.
std::vector<Kernel> lift(const std::vector<Kernel>& kernels, Subgroup group);

// For one element g: the best matching π of the kernels to their transforms and
//   distance = Σ_i ‖g·K_i − K_π(i)‖² / Σ_i ‖K_i‖²   (0: the set is closed under g).
struct Closure {
  Symmetry g;
  double distance;
  std::vector<int> matching;  // matching[i] = π(i)
};
Closure closure(const std::vector<Kernel>& kernels, Symmetry g);
std::array<Closure, kD4Order> closure_scores(const std::vector<Kernel>& kernels);

// Minimum-cost perfect matching on a square cost matrix (Hungarian method):
// returns assignment[row] = column.
std::vector<int> min_cost_matching(const Eigen::MatrixXd& cost);

}  // namespace carl::groups
