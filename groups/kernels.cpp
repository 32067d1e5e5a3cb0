#include "groups/kernels.h"

#include <limits>

#include "ca/error.h"

namespace carl::groups {

Kernel project(const Kernel& kernel, Subgroup group) {
  Kernel sum = Kernel::Zero(kernel.rows(), kernel.cols());
  for (Symmetry g : group.elements()) sum += apply(g, kernel);
  return sum / group.order();
}

std::vector<Kernel> project(const std::vector<Kernel>& kernels, Subgroup group) {
  std::vector<Kernel> out;
  out.reserve(kernels.size());
  for (const Kernel& k : kernels) out.push_back(project(k, group));
  return out;
}

std::vector<Kernel> lift(const std::vector<Kernel>& kernels, Subgroup group) {
  std::vector<Kernel> out;
  out.reserve(kernels.size() * static_cast<std::size_t>(group.order()));
  for (Symmetry g : group.elements())
    for (const Kernel& k : kernels) out.push_back(apply(g, k));
  return out;
}

std::vector<int> min_cost_matching(const Eigen::MatrixXd& cost) {
  // Shortest augmenting paths with row/column potentials, O(n³). Index 0 is a sentinel column.
  const int n = static_cast<int>(cost.rows());
  if (cost.cols() != n) throw InternalError("min_cost_matching needs a square matrix");
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(n + 1, 0);
  std::vector<int> row_of(n + 1, 0), way(n + 1, 0);
  for (int i = 1; i <= n; ++i) {
    row_of[0] = i;
    int j0 = 0;
    std::vector<double> minv(n + 1, inf);
    std::vector<bool> used(n + 1, false);
    do {
      used[j0] = true;
      const int i0 = row_of[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j]) {
          u[row_of[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (row_of[j0] != 0);
    do {
      const int j1 = way[j0];
      row_of[j0] = row_of[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> assignment(n, -1);
  for (int j = 1; j <= n; ++j) assignment[row_of[j] - 1] = j - 1;
  return assignment;
}

Closure closure(const std::vector<Kernel>& kernels, Symmetry g) {
  const int n = static_cast<int>(kernels.size());
  Closure c{g, 0.0, {}};
  if (n == 0) return c;
  Eigen::MatrixXd cost(n, n);
  double norm = 0;
  std::vector<Kernel> moved;
  for (const Kernel& k : kernels) {
    moved.push_back(apply(g, k));
    norm += k.squaredNorm();
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      cost(i, j) =
          (moved[static_cast<std::size_t>(i)] - kernels[static_cast<std::size_t>(j)]).squaredNorm();
  c.matching = min_cost_matching(cost);
  double total = 0;
  for (int i = 0; i < n; ++i) total += cost(i, c.matching[static_cast<std::size_t>(i)]);
  c.distance = norm > 0 ? total / norm : 0.0;
  return c;
}

std::array<Closure, kD4Order> closure_scores(const std::vector<Kernel>& kernels) {
  std::array<Closure, kD4Order> out;
  for (Symmetry g : kD4) out[static_cast<std::size_t>(g)] = closure(kernels, g);
  return out;
}

}  // namespace carl::groups
