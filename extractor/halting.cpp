#include "extractor/halting.h"

#include <fmt/format.h>

#include <algorithm>

#include "ca/error.h"
#include "groups/d4.h"
#include "groups/invariance.h"
#include "groups/orbits.h"

namespace carl::extractor {

const char* name(Action a) {
  switch (a) {
    case Action::request:
      return "request";
    case Action::train_on:
      return "train on";
    case Action::halt:
      return "halt";
    case Action::test:
      return "test";
  }
  return "?";
}

ClassEvidence class_evidence(const ca::PatternCounts& counts, groups::Subgroup group,
                             std::uint16_t ignored_cells) {
  ClassEvidence e;
  e.weakest_pairs = ca::kPatternCount;  // no constraint: nothing to support
  // Observed patterns with a single next state.
  const ca::RuleTable known = groups::forced_table(counts);
  auto tally = [&](const std::string& what, auto partner) {
    int agree_on[2] = {0, 0};  // agreeing pairs by their common next state
    for (int a = 0; a < ca::kPatternCount; ++a) {
      const ca::Pattern p = ca::Pattern(a), q = partner(p);
      if (q <= p) continue;
      if (!known.known(p) || !known.known(q)) continue;
      if (known.output(p) == known.output(q))
        ++agree_on[known.output(p)];
      else
        ++e.contradicting_pairs;
    }
    const int agree = std::min(agree_on[0], agree_on[1]);
    if (agree < e.weakest_pairs) {
      e.weakest_pairs = agree;
      e.weakest = what;
    }
  };
  for (groups::Symmetry g : group.elements())
    if (g != groups::Symmetry::identity)
      tally(groups::name(g), [&](ca::Pattern p) { return groups::apply(g, p); });
  for (int k = 0; k < 9; ++k)
    if (ignored_cells >> k & 1)
      tally(fmt::format("cell {}", ca::cell_name(k)),
            [&](ca::Pattern p) { return ca::Pattern(p ^ (1u << k)); });
  const groups::Orbits classes(group, ignored_cells);
  for (int o = 0; o < classes.count(); ++o)
    e.unobserved_classes += !counts.any_observed(classes.members(o));
  return e;
}

std::optional<Decision> proven_by_data(const RoundState& s, const StoppingOptions& o) {
  if (!s.noise_free || s.one_step > 0) return std::nullopt;
  const ExtractedRule& rule = *s.rule;
  if (s.counts->observed_count() == ca::kPatternCount && rule.table.complete())
    return Decision{Action::halt,
                    fmt::format("proven by the data: all 512 patterns observed, each with a single "
                                "next state ({} transitions, no contradiction)",
                                s.counts->transitions()),
                    std::nullopt};
  const auto n = rule.count_by_provenance();
  if (!rule.table.complete() || n[std::size_t(Provenance::generalized)] > 0) return std::nullopt;
  // Every orbit of G itself, not of G merged over the cells the rule is taken to ignore: an
  // entry filled by the support alone is a guess (support_filled).
  const ClassEvidence e = class_evidence(*s.counts, rule.group, 0);
  if (e.unobserved_classes > 0 || e.contradicting_pairs > 0) return std::nullopt;
  if (o.min_symmetry_pairs <= 0 || e.weakest_pairs < o.min_symmetry_pairs) return std::nullopt;
  if (asymmetry_filled(rule, *s.counts, o.min_symmetry_pairs).any()) return std::nullopt;
  return Decision{
      Action::halt,
      fmt::format("proven if the rule has symmetry {}: every class observed ({} patterns "
                  "observed, {} filled by symmetry); each symmetry supported by >= {} agreeing "
                  "pairs of observed patterns with each next state (weakest: {}), none "
                  "contradicting",
                  rule.group.name(), n[std::size_t(Provenance::observed)],
                  n[std::size_t(Provenance::symmetry)], e.weakest_pairs,
                  e.weakest.empty() ? "none" : e.weakest),
      std::nullopt};
}

std::bitset<ca::kPatternCount> support_filled(const ExtractedRule& rule,
                                              const ca::PatternCounts& data) {
  std::bitset<ca::kPatternCount> filled;
  if (rule.ignored_cells == 0) return filled;
  const groups::Orbits orbits(rule.group, 0);
  for (int o = 0; o < orbits.count(); ++o) {
    if (data.any_observed(orbits.members(o))) continue;
    for (ca::Pattern q : orbits.members(o))
      filled[q] = rule.provenance[std::size_t(q)] == Provenance::symmetry;
  }
  return filled;
}

std::bitset<ca::kPatternCount> asymmetry_filled(const ExtractedRule& rule,
                                                const ca::PatternCounts& data, int min_pairs) {
  std::bitset<ca::kPatternCount> filled;
  if (rule.group.order() == 1) return filled;
  const ca::RuleTable known = groups::forced_table(data);
  const groups::Orbits& square = groups::p4m_orbits();
  std::vector<bool> broken(std::size_t(square.count()), false);
  bool any_broken = false;
  for (int o = 0; o < square.count(); ++o) {
    bool shows[2] = {false, false};
    for (ca::Pattern q : square.members(o))
      if (known.known(q)) shows[known.output(q)] = true;
    broken[std::size_t(o)] = shows[0] && shows[1];
    any_broken = any_broken || broken[std::size_t(o)];
  }
  if (!any_broken) return filled;
  // G is backed where the rule is asymmetric when each of its elements maps enough observed
  // patterns of broken orbits onto observed patterns with the same next state.
  bool backed = min_pairs > 0;
  for (groups::Symmetry g : rule.group.elements()) {
    if (g == groups::Symmetry::identity || !backed) continue;
    int agreeing = 0;
    for (int a = 0; a < ca::kPatternCount; ++a) {
      // Every unordered pair {p, g·p} once: a half turn's twice-met pairs counted from their
      // smaller end, a quarter turn's four pairs of a 4-cycle all.
      const ca::Pattern p = ca::Pattern(a), q = groups::apply(g, p);
      if (q == p || (q < p && groups::apply(g, q) == p)) continue;
      if (!broken[std::size_t(square.orbit_of(p))]) continue;
      agreeing += known.known(p) && known.known(q) && known.output(p) == known.output(q);
    }
    backed = agreeing >= min_pairs;
  }
  if (backed) return filled;
  for (int p = 0; p < ca::kPatternCount; ++p)
    filled[std::size_t(p)] = broken[std::size_t(square.orbit_of(ca::Pattern(p)))] &&
                             rule.provenance[std::size_t(p)] == Provenance::symmetry;
  return filled;
}

Decision HaltingPolicy::judge(const RoundState&, const ca::Trajectory&, ca::Boundary) {
  return {Action::request, "this policy does not judge fresh trajectories", std::nullopt};
}

std::unique_ptr<HaltingPolicy> make_seed_policy(const StoppingOptions& o);
std::unique_ptr<HaltingPolicy> make_certified_policy(const StoppingOptions& o);
std::unique_ptr<HaltingPolicy> make_risk_policy(const StoppingOptions& o);

std::unique_ptr<HaltingPolicy> make_policy(const StoppingOptions& o) {
  switch (o.policy) {
    case Policy::seed:
      return make_seed_policy(o);
    case Policy::certified:
      return make_certified_policy(o);
    case Policy::risk:
      return make_risk_policy(o);
  }
  throw InternalError("make_policy: a Policy without a maker");
}

}  // namespace carl::extractor
