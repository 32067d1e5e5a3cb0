#include "extractor/extractor.h"

#include <optional>
#include <tuple>
#include <utility>

#include "ca/error.h"
#include "extractor/misreads.h"

namespace carl::extractor {

std::array<int, 4> count_by_provenance(const ProvenanceTable& provenance) {
  std::array<int, 4> n{};
  for (Provenance p : provenance) ++n[static_cast<std::size_t>(p)];
  return n;
}

std::string entries_text(const std::array<int, 4>& n) {
  return fmt::format("{} observed, {} by symmetry, {} generalized, {} unknown", n[0], n[1], n[2],
                     n[3]);
}

ExtractedRule extract(const std::vector<Predictions>& committee, groups::Subgroup group,
                      const ca::PatternCounts& counts, double significance) {
  return extract(committee, groups::Orbits(group), counts, significance, false);
}

ExtractedRule extract(const std::vector<Predictions>& committee, const groups::Orbits& classes,
                      const ca::PatternCounts& counts, double significance, bool data_is_exact,
                      const NoisyData* noisy) {
  // Under noise the classes the data settle, tested together.
  std::optional<Settlement> settlement;
  if (noisy != nullptr && noisy->misread_rate > 0)
    settlement = settle(classes, counts, noisy->separate, noisy->misread_rate);
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
    } else if (orbit_observed && settlement) {
      // Noisy data that settle a class (misreads.h) decide it whatever the nets say: the nets
      // learn a rare class from its neighbours when its own counts disagree (min_agreement), and
      // its counts can be mostly misreads of those neighbours.
      if (const auto settled = settlement->settled[std::size_t(o)]) {
        significant = true;
        value = *settled;
      }
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

// A partial table compiled once into three complete rules for the bit-sliced torus stepper: the
// known outputs (unknown entries give 0), "this cell's entry is unknown", and the spread of
// undetermined cells to their 3×3 neighbourhood. One call then costs up to three packed steps
// instead of 9–18 wrapped look-ups per cell.
class PartialStepper {
 public:
  explicit PartialStepper(const ca::RuleTable& table)
      : known_(ca::RuleTable::from_function([&](ca::Pattern p) { return table.output(p); })) {
    if (!table.complete())
      unknown_.emplace(
          ca::RuleTable::from_function([&](ca::Pattern p) { return !table.known(p); }));
  }

  // One step of the table with an "undetermined" mask (x's size); returns (next,
  // next_undetermined). A window step is the torus step's interior: interior cells' neighbourhoods
  // never wrap.
  std::pair<ca::Grid, ca::Grid> step(const ca::Grid& x, const ca::Grid& undetermined,
                                     ca::Boundary boundary) const {
    const int m = boundary == ca::Boundary::window ? 1 : 0;
    // Sized first so that a window too small to step fails (or comes out empty) as it always did.
    ca::Grid next(x.height() - 2 * m, x.width() - 2 * m), bad(next.height(), next.width());
    if (next.size() == 0) return {next, bad};
    const ca::Grid out = known_.step(x);
    const ca::Grid unknown = unknown_ ? unknown_->step(x) : ca::Grid();
    const ca::Grid spread =
        undetermined.population() != 0 ? spreader().step(undetermined) : ca::Grid();
    for (int r = 0; r < next.height(); ++r)
      for (int c = 0; c < next.width(); ++c) {
        const bool u = (unknown.size() != 0 && unknown.at(r + m, c + m)) ||
                       (spread.size() != 0 && spread.at(r + m, c + m));
        next.set(r, c, !u && out.at(r + m, c + m));
        bad.set(r, c, u);
      }
    return {next, bad};
  }

 private:
  // 1 where any of the 9 cells is 1: the same for every table, so compiled once per process.
  static const ca::Stepper& spreader() {
    static const ca::Stepper s(ca::RuleTable::from_function([](ca::Pattern p) { return p != 0; }));
    return s;
  }

  ca::Stepper known_;
  std::optional<ca::Stepper> unknown_;  // absent for a complete table: nothing is unknown
};

}  // namespace

RuleRollout rule_rollout(const ca::RuleTable& table, const ca::Trajectory& truth,
                         ca::Boundary boundary) {
  RuleRollout r;
  if (truth.frames.empty()) return r;
  const PartialStepper stepper(table);
  ca::Grid x = truth.frames[0], bad(x.height(), x.width());
  for (std::size_t t = 1; t < truth.frames.size(); ++t) {
    if (boundary == ca::Boundary::window && (x.height() < 3 || x.width() < 3)) break;
    std::tie(x, bad) = stepper.step(x, bad, boundary);
    r.add(x, truth.frames[t], &bad);
  }
  return r;
}

RuleRollout one_step_errors(const ca::RuleTable& table, const ca::Trajectory& truth,
                            ca::Boundary boundary) {
  RuleRollout r;
  if (truth.frames.size() < 2) return r;
  const PartialStepper stepper(table);
  for (std::size_t t = 0; t + 1 < truth.frames.size(); ++t) {
    const ca::Grid& x = truth.frames[t];
    // Teacher-forced: nothing carries over, so no cell starts undetermined.
    const auto [next, bad] = stepper.step(x, ca::Grid(x.height(), x.width()), boundary);
    r.add(next, truth.frames[t + 1], &bad);
  }
  return r;
}

}  // namespace carl::extractor
