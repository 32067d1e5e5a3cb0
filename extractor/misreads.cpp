#include "extractor/misreads.h"

#include "extractor/risk.h"

namespace carl::extractor {

double misread_inflow(const groups::Orbits& classes, int orbit, const ca::PatternCounts& counts,
                      double rate, bool next) {
  auto shown = [&](ca::Pattern q) { return double(counts.n[q][next]); };
  double one = 0, two = 0;  // updates one and two cells away, outside the class
  for (ca::Pattern p : classes.members(orbit))
    for (int a = 0; a < 9; ++a) {
      const auto q = ca::Pattern(int(p) ^ (1 << a));
      if (classes.orbit_of(q) != orbit)
        one += shown(q);  // a cell the class ignores changes nothing
      for (int b = a + 1; b < 9; ++b) {
        const auto r = ca::Pattern(int(q) ^ (1 << b));
        if (classes.orbit_of(r) != orbit) two += shown(r);
      }
    }
  return rate * one + rate * rate * two;
}

std::optional<bool> NoisyEvidence::settled() const {
  constexpr double kContradicted = 0.01, kLikelier = 100;
  const bool no_zero = chance[0] < kContradicted, no_one = chance[1] < kContradicted;
  if (no_zero != no_one) return no_zero;
  if (!no_zero) return std::nullopt;  // neither contradicted: too few updates to tell
  if (chance[1] >= kLikelier * chance[0]) return true;
  if (chance[0] >= kLikelier * chance[1]) return false;
  return std::nullopt;
}

NoisyEvidence noisy_evidence(const groups::Orbits& classes, int orbit,
                             const ca::PatternCounts& counts, double rate) {
  NoisyEvidence e;
  for (ca::Pattern p : classes.members(orbit))
    for (int v = 0; v < 2; ++v) e.updates[std::size_t(v)] += long(counts.n[p][std::size_t(v)]);
  const double own = double(e.updates[0] + e.updates[1]);
  for (int v = 0; v < 2; ++v) {
    const int other = 1 - v;
    e.chance[std::size_t(v)] =
        poisson_tail(e.updates[std::size_t(other)],
                     rate * own + misread_inflow(classes, orbit, counts, rate, other == 1));
  }
  return e;
}

}  // namespace carl::extractor
