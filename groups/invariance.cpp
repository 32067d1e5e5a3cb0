#include "groups/invariance.h"

#include "groups/orbits.h"

namespace carl::groups {
namespace {

// Pairs of known, agreeing entries within orbits of G: the evidence that G holds.
long agreeing_pairs(const ca::RuleTable& table, Subgroup group) {
  const Orbits orbits(group);
  long pairs = 0;
  for (int o = 0; o < orbits.count(); ++o) {
    long ones = 0, zeros = 0;
    for (ca::Pattern p : orbits.members(o))
      if (table.known(p)) (table.output(p) ? ones : zeros) += 1;
    pairs += ones * (ones - 1) / 2 + zeros * (zeros - 1) / 2;
  }
  return pairs;
}

}  // namespace

std::vector<Contradiction> contradictions(const ca::RuleTable& table, Subgroup group) {
  std::vector<Contradiction> out;
  std::vector<bool> seen(ca::kPatternCount * ca::kPatternCount, false);
  for (Symmetry g : group.elements())
    for (int a = 0; a < ca::kPatternCount; ++a) {
      const ca::Pattern pa = ca::Pattern(a), pb = apply(g, pa);
      if (pb <= pa || !table.known(pa) || !table.known(pb)) continue;
      if (table.output(pa) == table.output(pb)) continue;
      const std::size_t key = std::size_t(pa) * ca::kPatternCount + pb;
      if (seen[key]) continue;
      seen[key] = true;
      out.push_back({pa, pb, g});
    }
  return out;
}

ca::RuleTable forced_table(const ca::PatternCounts& counts) {
  ca::RuleTable t;
  for (int p = 0; p < ca::kPatternCount; ++p)
    if (counts.observed(ca::Pattern(p)) && !counts.contradictory(ca::Pattern(p)))
      t.set(ca::Pattern(p), counts.n[static_cast<std::size_t>(p)][1] > 0);
  return t;
}

std::vector<Contradiction> contradictions(const ca::PatternCounts& counts, Subgroup group) {
  return contradictions(forced_table(counts), group);
}

bool is_invariant(const ca::RuleTable& table, Subgroup group) {
  return is_invariant(table, Orbits(group));
}

bool is_invariant(const ca::RuleTable& table, const Orbits& orbits) {
  for (int o = 0; o < orbits.count(); ++o) {
    int value = -1;
    for (ca::Pattern p : orbits.members(o)) {
      if (!table.known(p)) continue;
      const int v = table.output(p);
      if (value >= 0 && v != value) return false;
      value = v;
    }
  }
  return true;
}

Subgroup largest_invariant_subgroup(const ca::RuleTable& table) {
  return largest_invariant_subgroup(table, Subgroup::all().back());
}

Subgroup largest_invariant_subgroup(const ca::RuleTable& table, Subgroup within) {
  Subgroup best;
  long best_evidence = -1;
  for (const Subgroup& g : Subgroup::all()) {
    if (!within.contains(g) || !is_invariant(table, g)) continue;
    if (g.order() < best.order()) continue;
    const long evidence = agreeing_pairs(table, g);
    if (g.order() > best.order() || evidence > best_evidence) {
      best = g;
      best_evidence = evidence;
    }
  }
  return best;
}

Subgroup largest_invariant_subgroup(const ca::PatternCounts& counts) {
  return largest_invariant_subgroup(forced_table(counts));
}

}  // namespace carl::groups
