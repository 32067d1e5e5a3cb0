// The certified policy: halt only on proof — the data prove the table (halting.h's
// proven_by_data) — or when the complete table predicts a trajectory it has not trained on within
// the tolerance and that trajectory exercises every entry the nets only guessed.
#include <fmt/format.h>

#include "ca/naming.h"
#include "extractor/halting.h"
#include "extractor/risk.h"

namespace carl::extractor {
namespace {

// A pooled error within the tolerance can hide one class whose entry the fresh trajectory
// contradicts: a rare class adds little to the pooled error, and under observation noise the
// tolerance must admit the noise. So each class the fresh trajectory shows is also judged on its
// own: it contradicts the entry when the share of its updates that agree with the entry is below
// one half at 99 % confidence (Clopper–Pearson). Under noise a rare class's updates can be mostly
// corrupted copies of common neighbouring patterns, so a right entry fails now and then too (in
// the zoo's noisy regime, B3aiy4e/S1c2ae3's S4a in about 1 of 7 fresh trajectories): that costs a
// trajectory, which then joins the training data; a wrong entry certified costs a false halt.
std::optional<std::string> contradicted_class(const ExtractedRule& rule,
                                              const groups::Orbits& classes,
                                              const ca::PatternCounts& seen) {
  for (int o = 0; o < classes.count(); ++o) {
    long agree = 0, updates = 0;
    for (ca::Pattern q : classes.members(o)) {
      if (!rule.table.known(q)) continue;
      agree += long(seen.n[q][rule.table.output(q)]);
      updates += long(seen.n[q][0] + seen.n[q][1]);
    }
    // The upper limit is never below agree / updates: only a minority can be significant.
    if (2 * agree < updates && binomial_upper(agree, updates, 0.01) < 0.5)
      return fmt::format("the rule's entry for {} went against {} of its {} updates",
                         ca::join_names(ca::name_entries(classes.members(o))), updates - agree,
                         updates);
  }
  return std::nullopt;
}

// Under observation noise a pattern also occurs where a cell of a neighbouring pattern (one cell
// different) was misread, and those updates follow the neighbour's entry, not its own: a
// generalized entry's class that a fresh trajectory shows only about as often as misreads would
// make it occur has not been tested by it (B167/S03578 at 0.5 % noise once halted with B8 wrong,
// "shown" by misread B7 births that agreed with the wrong guess). Shown: the class occurs more
// often than misreads at rate `noise` explain, at 99 % (Poisson).
bool shown_beyond_misreads(const groups::Orbits& classes, const ca::PatternCounts& seen, int p,
                           double noise) {
  const int own = classes.orbit_of(ca::Pattern(p));
  long count = 0;
  double misreads = 0;
  for (ca::Pattern q : classes.members(own)) {
    count += long(seen.total(q));
    for (int cell = 0; cell < 9; ++cell) {
      const auto neighbour = ca::Pattern(int(q) ^ (1 << cell));
      if (classes.orbit_of(neighbour) != own)  // a cell the class ignores changes nothing
        misreads += noise * double(seen.total(neighbour));
    }
  }
  return poisson_tail(count, misreads) < 0.01;
}

// The patterns the judgement applied the rule to: every interior one for one-step errors and on
// a torus (`all`: the fresh trajectory's counts); for a rollout in a window only those whose 3×3
// neighbourhood the rollout still determined, a region that loses a cell on each side per step.
// A generalized entry whose pattern occurs only outside it was never tested.
ca::PatternCounts judged_patterns(const ca::Trajectory& fresh, ca::Boundary boundary, bool rollout,
                                  const ca::PatternCounts& all) {
  if (!rollout || boundary != ca::Boundary::window) return all;
  ca::PatternCounts c;
  for (std::size_t t = 0; t + 1 < fresh.frames.size(); ++t) {
    const ca::Grid &x = fresh.frames[t], &next = fresh.frames[t + 1];
    const int m = static_cast<int>(t) + 1;
    for (int r = m; r < x.height() - m; ++r)
      for (int col = m; col < x.width() - m; ++col)
        ++c.n[ca::pattern_at(x, r, col)][next.at(r, col)];
  }
  return c;
}

class CertifiedPolicy : public HaltingPolicy {
 public:
  explicit CertifiedPolicy(const StoppingOptions& o) : o_(o) {}
  std::string name() const override { return "certified"; }

  Decision decide(const RoundState& s) override {
    if (auto proof = proven_by_data(s, o_)) return *proof;
    if (!s.rule->table.complete())
      return {Action::request,
              fmt::format("rule incomplete ({} entries unknown)",
                          ca::kPatternCount - int(s.rule->table.known_count())),
              std::nullopt};
    return {Action::test, "judge the complete rule on a fresh trajectory", std::nullopt};
  }

  Decision judge(const RoundState& s, const ca::Trajectory& fresh, ca::Boundary boundary) override {
    const ExtractedRule& rule = *s.rule;
    const auto judged = o_.certify_on == CertifyOn::one_step
                            ? one_step_errors(rule.table, fresh, boundary)
                            : rule_rollout(rule.table, fresh, boundary);
    Decision d;
    d.judged_error = judged.loss;
    // Under noise, one step at a time: the rule's error on its training data is the floor.
    const bool floor_applies =
        o_.noise_floor && o_.certify_on == CertifyOn::one_step && !s.noise_free;
    bool on_floor = false;
    if (judged.loss > o_.tolerance) {
      on_floor =
          floor_applies && binomial_lower(judged.wrong_cells, judged.cells, 0.01) <= s.one_step;
      if (!on_floor) {
        d.reason = fmt::format(
            "certification failed (error {:.3g} > tolerance {:.3g}{})", judged.loss, o_.tolerance,
            floor_applies ? fmt::format(", and above the noise floor {:.3g}", s.one_step) : "");
        return d;
      }
    }
    const ca::PatternCounts seen = ca::count_patterns(fresh, boundary);
    const groups::Orbits classes(rule.group, rule.ignored_cells);  // the rule's classes
    if (auto contradicted = contradicted_class(rule, classes, seen)) {
      d.reason = fmt::format("certification failed: {}", *contradicted);
      return d;
    }
    const ca::PatternCounts tested =
        judged_patterns(fresh, boundary, o_.certify_on == CertifyOn::rollout, seen);
    // A cell's misread rate: the provider's stated noise, else the share of observations that
    // disagree with their pattern's majority (an over-estimate: misreads also change patterns).
    const double misread_rate = s.cell_noise > 0 ? s.cell_noise : s.noise_rate;
    int untested = 0;
    for (int p = 0; p < ca::kPatternCount; ++p)
      untested += rule.provenance[std::size_t(p)] == Provenance::generalized &&
                  (!tested.observed(ca::Pattern(p)) ||
                   (!s.noise_free && !shown_beyond_misreads(classes, tested, p, misread_rate)));
    if (untested > 0 && o_.verify_generalized) {
      d.reason = fmt::format("{} generalized entries untested", untested);
      return d;
    }
    d.action = Action::halt;
    d.reason = fmt::format(
        "certified: the complete rule predicted trajectory {}, which it had not trained on, with "
        "error {:.3g} ({})",
        s.trajectories, judged.loss,
        on_floor ? fmt::format("above the tolerance {:.3g}, but not above the noise floor {:.3g}, "
                               "its error on its training data, at 99 % confidence",
                               o_.tolerance, s.one_step)
                 : fmt::format("tolerance {:.3g}", o_.tolerance));
    // The halt promises less with the check off: say so where the promise is read.
    if (untested > 0)
      d.reason += fmt::format(
          "; {} generalized entries not tested by it (verify_generalized: false)", untested);
    return d;
  }

 private:
  StoppingOptions o_;
};

}  // namespace

std::unique_ptr<HaltingPolicy> make_certified_policy(const StoppingOptions& o) {
  return std::make_unique<CertifiedPolicy>(o);
}

}  // namespace carl::extractor
