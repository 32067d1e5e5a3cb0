// The certified policy: halt only on proof — the data prove the table (halting.h's
// proven_by_data) — or when the complete table predicts a trajectory it has not trained on within
// the tolerance and that trajectory exercises every entry the nets only guessed.
#include <fmt/format.h>

#include <cmath>

#include "ca/error.h"
#include "ca/naming.h"
#include "extractor/halting.h"
#include "extractor/misreads.h"
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
// On noise-free data one update against an entry proves it wrong, whatever the tolerance (Life
// with one B6 pattern flipped, at tolerance 0.003, once halted with that pattern's mirror image
// filled wrong by symmetry, both its fresh updates against the entry).
std::optional<std::string> contradicted_class(const ExtractedRule& rule,
                                              const groups::Orbits& classes,
                                              const ca::PatternCounts& seen, bool noise_free) {
  for (int o = 0; o < classes.count(); ++o) {
    long agree = 0, updates = 0;
    for (ca::Pattern q : classes.members(o)) {
      if (!rule.table.known(q)) continue;
      agree += long(seen.n[q][rule.table.output(q)]);
      updates += long(seen.n[q][0] + seen.n[q][1]);
    }
    // The upper limit is never below agree / updates: only a minority can be significant.
    if ((noise_free && agree < updates) ||
        (2 * agree < updates && binomial_upper(agree, updates, 0.01) < 0.5))
      return fmt::format("the rule's entry for {} went against {} of its {} updates{}",
                         ca::join_names(ca::name_entries(classes.members(o))), updates - agree,
                         updates, noise_free ? " (noise-free data: one proves it wrong)" : "");
  }
  return std::nullopt;
}

// Under noise a class's updates can be misreads of its neighbours, which follow their entries,
// not its own: a rare class whose few updates agree with an entry the nets learnt from those
// neighbours is no evidence for it (B3cijn4ciktwy5kq6-ci7e/S1e2an3cjnr4aejqr5aejkn6-ck at 0.5 %
// noise once halted with S7e wrong; B167/S03578 at 2 % with B8 wrong, its 3 updates all misread
// B7 births). So all the data, training and fresh, must settle every class with the rule's entry
// (misreads.h); with verify_generalized off, every class they show. The first class that they do
// not, by name, and how many.
std::optional<std::string> unsettled_classes(const ExtractedRule& rule,
                                             const groups::Orbits& classes,
                                             const ca::PatternCounts& all, const NoisyData& noisy,
                                             bool verify_generalized) {
  const Settlement settlement = settle(classes, all, noisy.separate, noisy.misread_rate);
  int unsettled = 0;
  std::string first;
  for (int o = 0; o < classes.count(); ++o) {
    const ca::Pattern p = classes.representative(o);
    if (!rule.table.known(p)) continue;
    // With verify_generalized off, a class nothing has shown is the nets' guess by consent.
    if (!verify_generalized && !all.any_observed(classes.members(o))) continue;
    const bool entry = rule.table.output(p);
    // A mixed class proves no entry, whichever output is likelier.
    const bool mixed = settlement.mixed[std::size_t(o)];
    if ((settlement.settled[std::size_t(o)] == entry && !mixed) || unsettled++ > 0) continue;
    const NoisyEvidence& e = settlement.evidence[std::size_t(o)];
    first = fmt::format("{}, entry {}: {} of its {} updates agree{}",
                        ca::join_names(ca::name_entries(classes.members(o))), int(entry),
                        e.updates[entry], e.updates[0] + e.updates[1],
                        mixed ? ", and the data contradict both outputs" : "");
  }
  if (unsettled == 0) return std::nullopt;
  return fmt::format("the data do not settle {} classes beyond what misreads explain (first {})",
                     unsettled, first);
}

// Under noise a group is accepted on pairs of observed patterns, each pair's majorities weighed
// against the number of pairs compared, and a class is settled on its members' pooled updates: a
// single pattern whose own updates go against the class's entry, far beyond what misreads explain,
// is absorbed (B3/S012345678 with one B4 pattern flipped, at 1 % noise: the pattern went to 1 in
// 16 of 18 updates, its orbit-mates to 0 in 48 of 57, and the rule certified it 0). Such a pattern
// contradicts the entry, whatever its class says: the group is wrong there, or the noise is not
// as stated. The first, by picture, and how many (1 % over the 512 patterns).
std::optional<std::string> contradicted_patterns(const ExtractedRule& rule,
                                                 const groups::Orbits& patterns,
                                                 const ca::PatternCounts& all,
                                                 const NoisyData& by_pattern) {
  const double log_threshold = contradiction_log_threshold(ca::kPatternCount);
  int count = 0;
  std::string first;
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const auto q = ca::Pattern(p);
    if (!rule.table.known(q) || !all.observed(q)) continue;
    const bool entry = rule.table.output(q);
    const int o = patterns.orbit_of(q);
    const NoisyEvidence e = noisy_evidence(patterns, o, all, by_pattern.separate[std::size_t(o)],
                                           by_pattern.misread_rate);
    if (e.log_chance[entry] >= log_threshold || count++ > 0) continue;
    first = fmt::format("{}, entry {}: {} of its {} updates against it", ca::pattern_picture(q),
                        int(entry), e.updates[!entry], e.updates[0] + e.updates[1]);
  }
  if (count == 0) return std::nullopt;
  return fmt::format(
      "{} patterns' own updates contradict their class's entry beyond what misreads explain "
      "(first {})",
      count, first);
}

// The patterns the judgement applied the rule to: every interior one for one-step errors and on
// a torus (`all`: the fresh trajectory's counts); for a rollout in a window only those whose 3×3
// neighbourhood the rollout still determined, a region that loses a cell on each side per step.
// A generalized entry whose pattern occurs only outside it was never tested.
ca::PatternCounts judged_patterns(const ca::Trajectory& fresh, ca::Boundary boundary, bool rollout,
                                  const ca::PatternCounts& all) {
  if (!rollout || boundary != ca::Boundary::window) return all;
  ca::PatternCounts c;
  ca::for_each_update(fresh, boundary, [&](std::size_t t, int r, int col, ca::Pattern p, int v) {
    const int m = static_cast<int>(t) + 1;
    const ca::Grid& x = fresh.frames[t];
    if (r >= m && r < x.height() - m && col >= m && col < x.width() - m) ++c.n[p][v];
  });
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
    if (auto contradicted = contradicted_class(rule, classes, seen, s.noise_free)) {
      d.reason = fmt::format("certification failed: {}", *contradicted);
      return d;
    }
    if (!s.noise_free && s.noisy != nullptr && s.noisy->misread_rate > 0) {
      ca::PatternCounts all = seen;  // training and fresh
      if (s.counts != nullptr) all += *s.counts;
      NoisyData noisy = *s.noisy;  // separate updates add up over trajectories (per frame)
      add(noisy.separate, separate_updates({&fresh}, classes, boundary));
      if (auto unsettled = unsettled_classes(rule, classes, all, noisy, o_.verify_generalized)) {
        d.reason = fmt::format("certification failed: {}", *unsettled);
        return d;
      }
      // Classes merged over ignored cells: each orbit of G in them must be settled too, or a
      // half the data contradict hides in the pooled class (B2/S28 at 1 % noise: B8 went to 0 in
      // 4 of 4 updates, S8 to 1 in 4 of 5, and the merged class certified B8 as 1).
      if (rule.ignored_cells != 0 && s.noisy_orbits != nullptr) {
        const groups::Orbits orbits(rule.group);
        NoisyData by_orbit = *s.noisy_orbits;
        add(by_orbit.separate, separate_updates({&fresh}, orbits, boundary));
        if (auto unsettled =
                unsettled_classes(rule, orbits, all, by_orbit, o_.verify_generalized)) {
          d.reason = fmt::format("certification failed: {}", *unsettled);
          return d;
        }
      }
      // And no pattern against its own class's entry (contradicted_patterns).
      if (s.noisy_patterns != nullptr) {
        const groups::Orbits patterns{groups::Subgroup()};
        // When every class is one pattern, the classes' separate updates (fresh ones added) are
        // the patterns'.
        NoisyData by_pattern = noisy;
        if (classes.count() != ca::kPatternCount) {
          by_pattern = *s.noisy_patterns;
          add(by_pattern.separate, separate_updates({&fresh}, patterns, boundary));
        }
        if (auto contradicted = contradicted_patterns(rule, patterns, all, by_pattern)) {
          d.reason = fmt::format("certification failed: {}", *contradicted);
          return d;
        }
      }
    }
    const ca::PatternCounts tested =
        judged_patterns(fresh, boundary, o_.certify_on == CertifyOn::rollout, seen);
    // The guesses: generalized entries, those the support alone filled (support_filled), and on
    // noise-free data those G filled where the data show the rule asymmetric (asymmetry_filled).
    const ca::PatternCounts training = s.counts != nullptr ? *s.counts : ca::PatternCounts{};
    const auto by_support = support_filled(rule, training);
    const auto by_asymmetry = s.noise_free ? asymmetry_filled(rule, training, o_.min_symmetry_pairs)
                                           : std::bitset<ca::kPatternCount>();
    int untested = 0, untested_by_support = 0, untested_by_asymmetry = 0;
    for (int p = 0; p < ca::kPatternCount; ++p) {
      if (tested.observed(ca::Pattern(p))) continue;
      untested += rule.provenance[std::size_t(p)] == Provenance::generalized;
      untested_by_support += by_support[std::size_t(p)];
      untested_by_asymmetry += by_asymmetry[std::size_t(p)] && !by_support[std::size_t(p)];
    }
    // "2 generalized entries", "0 generalized and 1 support-filled entries", "0 generalized, 1
    // support-filled and 1 asymmetry-filled entries".
    std::vector<std::string> kinds = {fmt::format("{} generalized", untested)};
    if (untested_by_support > 0)
      kinds.push_back(fmt::format("{} support-filled", untested_by_support));
    if (untested_by_asymmetry > 0)
      kinds.push_back(fmt::format("{} asymmetry-filled", untested_by_asymmetry));
    std::string untested_entries;
    for (std::size_t i = 0; i < kinds.size(); ++i)
      untested_entries += (i == 0 ? "" : i + 1 == kinds.size() ? " and " : ", ") + kinds[i];
    untested_entries += " entries";
    untested += untested_by_support + untested_by_asymmetry;
    if (untested > 0 && o_.verify_generalized) {
      d.reason = fmt::format("{} untested", untested_entries);
      return d;
    }
    d.action = Action::halt;
    d.reason = fmt::format(
        "certified: the complete rule predicted trajectory {}, which it had not trained on, with "
        "error {:.3g} ({})",
        s.fresh_trajectory, judged.loss,
        on_floor ? fmt::format("above the tolerance {:.3g}, but not above the noise floor {:.3g}, "
                               "its error on its training data, at 99 % confidence",
                               o_.tolerance, s.one_step)
                 : fmt::format("tolerance {:.3g}", o_.tolerance));
    // What the halt rests on beyond the data: the entries G filled.
    if (const int by_symmetry = rule.count_by_provenance()[std::size_t(Provenance::symmetry)] -
                                int((by_support | by_asymmetry).count());
        by_symmetry > 0)
      d.reason += fmt::format("; {} entries filled by symmetry {}", by_symmetry, rule.group.name());
    // The halt promises less with the check off: say so where the promise is read.
    if (untested > 0)
      d.reason += fmt::format(
          "; {} untested: guesses that no trajectory showed, the halt does not cover "
          "them (verify_generalized: false)",
          untested_entries);
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
