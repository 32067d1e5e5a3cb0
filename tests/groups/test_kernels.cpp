#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>

#include "groups/kernels.h"

using namespace carl::groups;

TEST_CASE("projection onto the invariant subspace", "[kernels]") {
  std::srand(7);
  for (const Subgroup& g : Subgroup::all()) {
    INFO(g.name());
    const Kernel k = Kernel::Random(5, 5);
    const Kernel p = project(k, g);
    REQUIRE(project(p, g).isApprox(p, 1e-12));                                // idempotent
    for (Symmetry s : g.elements()) REQUIRE(apply(s, p).isApprox(p, 1e-12));  // invariant
    // Orthogonal projection: the residual is orthogonal to every invariant kernel.
    const Kernel other = project(Kernel::Random(5, 5), g);
    REQUIRE(std::abs(((k - p).array() * other.array()).sum()) < 1e-9);
  }
  Kernel symmetric(3, 3);
  symmetric << 1, 2, 1, 2, 5, 2, 1, 2, 1;
  REQUIRE(project(symmetric, Subgroup::parse("p4m")) == symmetric);
}

TEST_CASE("min-cost matching equals brute force", "[kernels]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0, 10);
  for (int trial = 0; trial < 30; ++trial) {
    const int n = 1 + trial % 6;
    Eigen::MatrixXd cost(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) cost(i, j) = u(rng);
    const std::vector<int> m = min_cost_matching(cost);
    double got = 0;
    for (int i = 0; i < n; ++i) got += cost(i, m[static_cast<std::size_t>(i)]);
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    double best = 1e300;
    do {
      double c = 0;
      for (int i = 0; i < n; ++i) c += cost(i, perm[static_cast<std::size_t>(i)]);
      best = std::min(best, c);
    } while (std::next_permutation(perm.begin(), perm.end()));
    REQUIRE(got == Approx(best));
  }
}

TEST_CASE("closure scores find the symmetry of a kernel set", "[kernels]") {
  // The p4-orbit of one random kernel (4 kernels) is closed under rotations but not mirrors.
  std::srand(11);
  const Kernel k = Kernel::Random(3, 3);
  std::vector<Kernel> set;
  for (Symmetry r : {Symmetry::identity, Symmetry::rot90, Symmetry::rot180, Symmetry::rot270})
    set.push_back(apply(r, k));
  std::shuffle(set.begin(), set.end(), std::mt19937(1));
  const auto scores = closure_scores(set);
  for (Symmetry g : kD4) {
    INFO(name(g));
    const double d = scores[static_cast<std::size_t>(g)].distance;
    if (Subgroup::parse("p4").contains(g))
      REQUIRE(d < 1e-12);
    else
      REQUIRE(d > 0.05);
  }
  // Random unrelated kernels are closed under nothing but the identity.
  std::vector<Kernel> random;
  for (int i = 0; i < 6; ++i) random.push_back(Kernel::Random(3, 3));
  const auto r = closure_scores(random);
  REQUIRE(r[0].distance == 0);
  for (std::size_t g = 1; g < 8; ++g) REQUIRE(r[g].distance > 0.05);
}

TEST_CASE("kernels lifted over G are closed under G and under nothing else", "[kernels]") {
  std::srand(13);
  std::vector<Kernel> random;
  for (int i = 0; i < 3; ++i) random.push_back(Kernel::Random(3, 3));
  for (const Subgroup& group : Subgroup::all()) {
    INFO(group.name());
    const std::vector<Kernel> lifted = lift(random, group);
    REQUIRE(lifted.size() == random.size() * std::size_t(group.order()));
    for (std::size_t i = 0; i < random.size(); ++i)
      REQUIRE(lifted[i] == random[i]);  // identity first
    const auto scores = closure_scores(lifted);
    for (Symmetry g : kD4) {
      INFO(name(g));
      if (group.contains(g))
        REQUIRE(scores[static_cast<std::size_t>(g)].distance < 1e-12);
      else
        REQUIRE(scores[static_cast<std::size_t>(g)].distance > 0.05);
    }
  }
}
