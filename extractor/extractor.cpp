#include "extractor/extractor.h"

#include "ca/error.h"

namespace carl::extractor {

const char* name(Provenance p) {
  switch (p) {
    case Provenance::observed:
      return "observed";
    case Provenance::symmetry:
      return "symmetry";
    case Provenance::generalized:
      return "generalized";
    case Provenance::unknown:
      return "unknown";
  }
  return "?";
}

std::array<int, 4> ExtractedRule::count_by_provenance() const {
  std::array<int, 4> n{};
  for (Provenance p : provenance) ++n[static_cast<std::size_t>(p)];
  return n;
}

ExtractedRule extract(const std::vector<Predictions>& committee, groups::Subgroup group,
                      const ca::PatternCounts& counts, double significance) {
  return extract(committee, groups::Orbits(group), counts, significance, false);
}

ExtractedRule extract(const std::vector<Predictions>& committee, const groups::Orbits& classes,
                      const ca::PatternCounts& counts, double significance, bool data_is_exact) {
  ExtractedRule out;
  out.group = classes.group();
  out.ignored_cells = classes.ignored();
  out.total_orbits = classes.count();
  for (int o = 0; o < classes.count(); ++o) {
    const auto& members = classes.members(o);
    // The committee is asked where the data are: the most-observed member, else every member.
    std::vector<ca::Pattern> queried;
    ca::Pattern best = members.front();
    for (ca::Pattern q : members)
      if (counts.total(q) > counts.total(best)) best = q;
    const bool orbit_observed = counts.observed(best);
    if (orbit_observed)
      queried = {best};
    else
      queried = members;
    // No nets (an empty committee) know nothing: only the data can fix a class.
    bool significant = !committee.empty();
    const bool cls = significant && committee.front()[queried.front()] > 0.5;
    for (ca::Pattern q : queried)
      for (const Predictions& p : committee)
        significant =
            significant && (p[q] > 0.5) == cls && std::max(p[q], 1.0 - p[q]) > significance;
    bool value = cls;
    if (orbit_observed && data_is_exact) {
      // Noise-free data prove an observed class's output, whatever the nets say.
      int ones = 0, zeros = 0;
      for (ca::Pattern q : members) {
        ones += counts.n[q][1] > 0;
        zeros += counts.n[q][0] > 0;
      }
      significant = ones == 0 || zeros == 0;
      value = ones > 0;
    }
    out.significant_orbits += significant;
    for (ca::Pattern q : members) {
      if (!significant) {
        out.provenance[q] = Provenance::unknown;
        continue;
      }
      out.table.set(q, value);
      out.provenance[q] = counts.observed(q) ? Provenance::observed
                          : orbit_observed   ? Provenance::symmetry
                                             : Provenance::generalized;
    }
  }
  return out;
}

namespace {

// One step of a partial table with an "undetermined" mask; returns (next, next_undetermined).
std::pair<ca::Grid, ca::Grid> partial_step(const ca::RuleTable& table, const ca::Grid& x,
                                           const ca::Grid& undetermined, ca::Boundary boundary) {
  const int m = boundary == ca::Boundary::window ? 1 : 0;
  ca::Grid next(x.height() - 2 * m, x.width() - 2 * m), bad(next.height(), next.width());
  for (int r = m; r < x.height() - m; ++r)
    for (int c = m; c < x.width() - m; ++c) {
      const ca::Pattern p = ca::pattern_at(x, r, c);
      bool u = !table.known(p);
      for (int dr = -1; dr <= 1 && !u; ++dr)
        for (int dc = -1; dc <= 1 && !u; ++dc) u = undetermined.wrapped(r + dr, c + dc) != 0;
      next.set(r - m, c - m, !u && table.output(p));
      bad.set(r - m, c - m, u);
    }
  return {next, bad};
}

}  // namespace

RuleRollout rule_rollout(const ca::RuleTable& table, const ca::Trajectory& truth,
                         ca::Boundary boundary) {
  RuleRollout r;
  if (truth.frames.empty()) return r;
  ca::Grid x = truth.frames[0], bad(x.height(), x.width());
  for (std::size_t t = 1; t < truth.frames.size(); ++t) {
    if (boundary == ca::Boundary::window && (x.height() < 3 || x.width() < 3)) break;
    std::tie(x, bad) = partial_step(table, x, bad, boundary);
    r.add(x, truth.frames[t], &bad);
  }
  return r;
}

RuleRollout one_step_errors(const ca::RuleTable& table, const ca::Trajectory& truth,
                            ca::Boundary boundary) {
  RuleRollout r;
  for (std::size_t t = 0; t + 1 < truth.frames.size(); ++t) {
    const ca::Grid& x = truth.frames[t];
    const auto [next, bad] = partial_step(table, x, ca::Grid(x.height(), x.width()), boundary);
    r.add(next, truth.frames[t + 1], &bad);
  }
  return r;
}

}  // namespace carl::extractor
