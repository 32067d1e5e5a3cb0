#pragma once
// Choosing the symmetry group G ⊆ D4 of the hidden rule after round 0. Every method scores each
// of the 8 elements (0: respected perfectly) and reports the scores with its verdict; the verdict
// is the largest subgroup all of whose elements pass. A method must not claim a symmetry the
// rule lacks, so where evidence is missing an element fails.
#include <array>
#include <string>

#include "ca/pattern_counts.h"
#include "groups/subgroup.h"
#include "learner/net.h"

namespace carl::learner {

struct SymmetryOptions {
  int min_evidence = 8;             // data: pattern pairs (p, g·p), both observed, needed per g
  double function_tolerance = 0.0;  // function: weighted share of disagreeing pairs allowed
  double kernel_tolerance = 0.1;    // kernels: relative closure distance allowed
};

struct SymmetryVerdict {
  std::string method;
  std::array<double, groups::kD4Order> score{};  // per element, in groups::kD4 order
  std::array<bool, groups::kD4Order> passes{};
  groups::Subgroup group;
  std::string summary() const;  // "data: p4m (rot90 0 ✓, …)"
};

// method: "data" | "function" | "kernels" | "fixed:<group>". `net` is needed by function and
// kernels (pass a trained plain net).
SymmetryVerdict detect_symmetry(const std::string& method, const ca::PatternCounts& counts,
                                const Net* net, const SymmetryOptions& options = {});

// The largest subgroup whose elements all pass (ties: the first in Subgroup::all()).
groups::Subgroup largest_passing_subgroup(const std::array<bool, groups::kD4Order>& passes);

}  // namespace carl::learner
