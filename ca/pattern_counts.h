#pragma once
// The sufficient statistic of trajectory data for a 3×3 rule: for every pattern p and next
// state s, how many cells with neighbourhood p at time t had state s at time t+1.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "ca/pattern.h"
#include "ca/rule_table.h"
#include "ca/simulate.h"
#include "ca/trajectory.h"

namespace carl::ca {

// Frame t+1 of a trajectory, checked to be the size of frame t (InputError otherwise).
const Grid& next_frame(const Trajectory& trajectory, std::size_t t);

// Calls update(t, row, col, pattern, next_state) for each cell update x_t → x_{t+1} of the
// trajectory, frame by frame and row by row: on a torus every cell, in a window only the interior
// cells (whole neighbourhood visible). The one scan over updates that counts use, so that every
// count of the data counts the same cells.
template <class Update>
void for_each_update(const Trajectory& trajectory, Boundary boundary, Update&& update) {
  const int margin = boundary == Boundary::window ? 1 : 0;
  for (std::size_t t = 0; t + 1 < trajectory.frames.size(); ++t) {
    const Grid &x = trajectory.frames[t], &next = next_frame(trajectory, t);
    for (int r = margin; r < x.height() - margin; ++r)
      for (int c = margin; c < x.width() - margin; ++c)
        update(t, r, c, pattern_at(x, r, c), next.at(r, c));
  }
}

struct PatternCounts {
  std::array<std::array<std::uint64_t, 2>, kPatternCount> n{};  // n[p][next state]

  std::uint64_t total(Pattern p) const { return n[p][0] + n[p][1]; }
  bool observed(Pattern p) const { return total(p) > 0; }
  bool any_observed(const std::vector<Pattern>& patterns) const {  // a class shown at all
    return std::any_of(patterns.begin(), patterns.end(), [&](Pattern p) { return observed(p); });
  }
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
