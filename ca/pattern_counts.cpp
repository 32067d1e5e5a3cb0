#include "ca/pattern_counts.h"

#include "ca/error.h"

namespace carl::ca {

int PatternCounts::observed_count() const {
  int k = 0;
  for (int p = 0; p < kPatternCount; ++p) k += observed(Pattern(p));
  return k;
}

std::uint64_t PatternCounts::transitions() const {
  std::uint64_t k = 0;
  for (const auto& c : n) k += c[0] + c[1];
  return k;
}

const Grid& next_frame(const Trajectory& trajectory, std::size_t t) {
  const Grid &x = trajectory.frames[t], &next = trajectory.frames[t + 1];
  if (x.height() != next.height() || x.width() != next.width())
    throw InputError(fmt::format("trajectory frame {} is {}x{} (HxW) but frame {} is {}x{}", t + 1,
                                 next.height(), next.width(), t, x.height(), x.width()));
  return next;
}

void PatternCounts::add(const Trajectory& trajectory, Boundary boundary) {
  for_each_update(trajectory, boundary,
                  [&](std::size_t, int, int, Pattern p, bool next) { ++n[p][next]; });
}

PatternCounts& PatternCounts::operator+=(const PatternCounts& other) {
  for (int p = 0; p < kPatternCount; ++p) {
    n[p][0] += other.n[p][0];
    n[p][1] += other.n[p][1];
  }
  return *this;
}

RuleTable PatternCounts::majority_table() const {
  RuleTable t;
  for (int p = 0; p < kPatternCount; ++p)
    if (observed(Pattern(p))) t.set(Pattern(p), n[p][1] >= n[p][0]);
  return t;
}

PatternCounts count_patterns(const Trajectory& trajectory, Boundary boundary) {
  PatternCounts counts;
  counts.add(trajectory, boundary);
  return counts;
}

}  // namespace carl::ca
