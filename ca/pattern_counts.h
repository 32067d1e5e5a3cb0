#pragma once
// The sufficient statistic of trajectory data for a 3×3 rule: for every pattern p and next
// state s, how many cells with neighbourhood p at time t had state s at time t+1.
#include <array>
#include <cstdint>

#include "ca/pattern.h"
#include "ca/rule_table.h"
#include "ca/simulate.h"
#include "ca/trajectory.h"

namespace carl::ca {

struct PatternCounts {
  std::array<std::array<std::uint64_t, 2>, kPatternCount> n{};  // n[p][next state]

  std::uint64_t total(Pattern p) const { return n[p][0] + n[p][1]; }
  bool observed(Pattern p) const { return total(p) > 0; }
  bool contradictory(Pattern p) const { return n[p][0] > 0 && n[p][1] > 0; }
  int observed_count() const;  // number of distinct patterns seen
  std::uint64_t transitions() const;

  // Adds every transition x_t → x_{t+1} of the trajectory. On a torus every cell counts; in a
  // window only interior cells (whole neighbourhood visible) do.
  void add(const Trajectory& trajectory, Boundary boundary = Boundary::torus);
  PatternCounts& operator+=(const PatternCounts& other);

  // The table that the data forces: each observed pattern's majority next state (ties → 1),
  // unobserved patterns unknown.
  RuleTable majority_table() const;

  friend bool operator==(const PatternCounts& a, const PatternCounts& b) { return a.n == b.n; }
};

PatternCounts count_patterns(const Trajectory& trajectory, Boundary boundary = Boundary::torus);

}  // namespace carl::ca
