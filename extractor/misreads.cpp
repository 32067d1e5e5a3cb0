#include "extractor/misreads.h"

#include <algorithm>
#include <cmath>

#include "ca/error.h"
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

void add(SeparateUpdates& to, const SeparateUpdates& more) {
  CARL_CHECK(to.size() == more.size(), "separate updates of {} and {} classes added", to.size(),
             more.size());
  for (std::size_t o = 0; o < to.size(); ++o)
    for (std::size_t v = 0; v < 2; ++v) to[o][v] += more[o][v];
}

double estimate_misread_rate(const ca::PatternCounts& counts) {
  double minority = 0, exposure = 0;
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const auto& n = counts.n[std::size_t(p)];
    if (n[0] + n[1] < 10) continue;
    const std::size_t majority = n[1] > n[0];
    minority += double(n[1 - majority]);
    exposure += double(n[0] + n[1]);
    for (int a = 0; a < 9; ++a)
      exposure += double(counts.n[std::size_t(p ^ (1 << a))][1 - majority]);
  }
  return exposure > 0 ? poisson_upper(long(minority), 0.01) / exposure : 0.0;
}

SeparateUpdates separate_updates(const std::vector<const ca::Trajectory*>& data,
                                 const groups::Orbits& classes, ca::Boundary boundary) {
  SeparateUpdates out(std::size_t(classes.count()), std::array<long, 2>{});
  const bool torus = boundary != ca::Boundary::window;
  for (const ca::Trajectory* trajectory : data) {
    if (trajectory->frames.empty()) continue;
    const int h = trajectory->frames[0].height(), w = trajectory->frames[0].width();
    // The picked update's class and next state at each cell, + 1 (0: none picked there), in the
    // frame being scanned.
    std::vector<int> picked(std::size_t(h) * std::size_t(w), 0);
    std::size_t frame = 0;
    ca::for_each_update(*trajectory, boundary,
                        [&](std::size_t t, int r, int c, ca::Pattern p, int v) {
                          if (t != frame) std::fill(picked.begin(), picked.end(), 0), frame = t;
                          const int o = classes.orbit_of(p), key = 2 * o + v + 1;
                          for (int dr = -2; dr <= 2; ++dr)
                            for (int dc = -2; dc <= 2; ++dc) {
                              int rr = r + dr, cc = c + dc;
                              if (torus) {
                                rr = (rr % h + h) % h;
                                cc = (cc % w + w) % w;
                              } else if (rr < 0 || rr >= h || cc < 0 || cc >= w) {
                                continue;
                              }
                              if (picked[std::size_t(rr) * std::size_t(w) + std::size_t(cc)] == key)
                                return;
                            }
                          picked[std::size_t(r) * std::size_t(w) + std::size_t(c)] = key;
                          ++out[std::size_t(o)][std::size_t(v)];
                        });
  }
  return out;
}

SeparateUpdates every_update(const groups::Orbits& classes, const ca::PatternCounts& counts) {
  SeparateUpdates out(std::size_t(classes.count()), std::array<long, 2>{});
  for (int p = 0; p < ca::kPatternCount; ++p)
    for (int v = 0; v < 2; ++v)
      out[std::size_t(classes.orbit_of(ca::Pattern(p)))][std::size_t(v)] +=
          long(counts.n[std::size_t(p)][std::size_t(v)]);
  return out;
}

NoisyEvidence noisy_evidence(const groups::Orbits& classes, int orbit,
                             const ca::PatternCounts& counts, const std::array<long, 2>& separate,
                             double rate) {
  NoisyEvidence e;
  for (ca::Pattern p : classes.members(orbit))
    for (int v = 0; v < 2; ++v) e.updates[std::size_t(v)] += long(counts.n[p][std::size_t(v)]);
  const double own = double(e.updates[0] + e.updates[1]);
  for (int v = 0; v < 2; ++v) {
    const int other = 1 - v;
    e.log_chance[std::size_t(v)] =
        poisson_log_tail(separate[std::size_t(other)],
                         rate * own + misread_inflow(classes, orbit, counts, rate, other == 1));
  }
  return e;
}

double contradiction_log_threshold(int classes) {
  return std::log(0.01 / classes);
}

Settlement settle(const groups::Orbits& classes, const ca::PatternCounts& counts,
                  const SeparateUpdates& separate, double rate) {
  CARL_CHECK(separate.size() == std::size_t(classes.count()),
             "separate updates of {} classes for {} classes", separate.size(), classes.count());
  Settlement out;
  const double contradicted = contradiction_log_threshold(classes.count());
  for (int o = 0; o < classes.count(); ++o)
    out.evidence.push_back(noisy_evidence(classes, o, counts, separate[std::size_t(o)], rate));
  const double likelier = std::log(100.0);
  for (int o = 0; o < classes.count(); ++o) {
    const auto& c = out.evidence[std::size_t(o)].log_chance;
    const bool no_zero = c[0] < contradicted, no_one = c[1] < contradicted;
    std::optional<bool> s;
    if (no_zero != no_one)
      s = no_zero;
    else if (no_zero && c[1] >= likelier + c[0])
      s = true;
    else if (no_zero && c[0] >= likelier + c[1])
      s = false;
    out.settled.push_back(s);
    out.mixed.push_back(no_zero && no_one);
  }
  return out;
}

}  // namespace carl::extractor
