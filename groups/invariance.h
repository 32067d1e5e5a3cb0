#pragma once
// Which symmetries a (partial) rule table or a body of data respects.
#include <vector>

#include "ca/pattern_counts.h"
#include "ca/rule_table.h"
#include "groups/orbits.h"
#include "groups/subgroup.h"

namespace carl::groups {

// Two patterns of one G-orbit (b = g·a, a < b) whose known outputs differ.
struct Contradiction {
  ca::Pattern a, b;
  Symmetry g;
};

// Every pair of contradicting known entries (each unordered pair once).
std::vector<Contradiction> contradictions(const ca::RuleTable& table, Subgroup group);
// The same on data: a pattern counts as known when it was observed, always with the same next
// state (patterns seen with both next states — noise — are left out).
std::vector<Contradiction> contradictions(const ca::PatternCounts& counts, Subgroup group);
ca::RuleTable forced_table(const ca::PatternCounts& counts);

// No orbit of G holds two known entries with different outputs.
bool is_invariant(const ca::RuleTable& table, Subgroup group);
// The same for any classes of patterns (orbits of G, merged over ignored cells): no class holds
// two known entries with different outputs.
bool is_invariant(const ca::RuleTable& table, const Orbits& classes);

// The largest subgroup under which the table is invariant. For a complete table the elements it
// respects form a group, so the answer is unique. For a partial table several subgroups of the
// same order can be free of contradictions; the tie goes to the one whose orbits hold the most
// pairs of known, agreeing entries (the most evidence), then to the first in Subgroup::all().
Subgroup largest_invariant_subgroup(const ca::RuleTable& table);
Subgroup largest_invariant_subgroup(const ca::PatternCounts& counts);
// The same among the subgroups of `within` (a group given in a config that the data contradict).
Subgroup largest_invariant_subgroup(const ca::RuleTable& table, Subgroup within);

}  // namespace carl::groups
