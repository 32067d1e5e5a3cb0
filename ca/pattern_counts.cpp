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

void PatternCounts::add(const Trajectory& trajectory, Boundary boundary) {
  const int margin = boundary == Boundary::window ? 1 : 0;
  for (std::size_t t = 0; t + 1 < trajectory.frames.size(); ++t) {
    const Grid& x = trajectory.frames[t];
    const Grid& next = trajectory.frames[t + 1];
    if (x.height() != next.height() || x.width() != next.width())
      throw InputError(fmt::format("trajectory frame {} is {}x{} but frame {} is {}x{}", t + 1,
                                   next.height(), next.width(), t, x.height(), x.width()));
    for (int r = margin; r < x.height() - margin; ++r)
      for (int c = margin; c < x.width() - margin; ++c) ++n[pattern_at(x, r, c)][next.at(r, c)];
  }
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
