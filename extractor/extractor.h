#pragma once
// From trained nets to an explicit rule table: the indicator sweep over one pattern per G-orbit,
// significance, provenance, and the table's own rollout (the rule loss L2).
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "ca/choice.h"
#include "ca/pattern_counts.h"
#include "ca/rule_table.h"
#include "ca/simulate.h"
#include "ca/trajectory.h"
#include "extractor/misreads.h"
#include "groups/orbits.h"

namespace carl::extractor {

// Where a learned entry came from (DESIGN.md); a closed choice (ca/choice.h), its words those of
// rule.json.
enum class Provenance { observed, symmetry, generalized, unknown };
inline constexpr std::pair<Provenance, const char*> kProvenanceWords[] = {
    {Provenance::observed, "observed"},
    {Provenance::symmetry, "symmetry"},
    {Provenance::generalized, "generalized"},
    {Provenance::unknown, "unknown"}};
constexpr const auto& choice_words(Provenance) {
  return kProvenanceWords;
}
using ProvenanceTable = std::array<Provenance, ca::kPatternCount>;
// How many entries have each provenance, indexed by Provenance.
std::array<int, 4> count_by_provenance(const ProvenanceTable& provenance);
// Those counts in words: "509 observed, 2 by symmetry, 1 generalized, 0 unknown".
std::string entries_text(const std::array<int, 4>& counts);

using Predictions = std::array<double, ca::kPatternCount>;  // P(next state = 1) per pattern

struct ExtractedRule {
  ca::RuleTable table;  // R_θ: significant entries only
  ProvenanceTable provenance{};
  groups::Subgroup group;
  std::uint16_t ignored_cells = 0;  // cells the classes ignore (groups::Orbits::ignored)
  int significant_orbits = 0;
  int total_orbits = 0;
  std::array<int, 4> count_by_provenance() const {  // indexed by Provenance
    return extractor::count_by_provenance(provenance);
  }
};

// An orbit is significant when every committee member predicts the same class for its
// representative with likelihood > `significance`; its whole orbit then enters the table.
ExtractedRule extract(const std::vector<Predictions>& committee, groups::Subgroup group,
                      const ca::PatternCounts& counts, double significance = 0.9);

// The same over any partition of the patterns into classes (orbits of G, possibly merged over
// cells the rule ignores). A class that holds an observed pattern is queried at its most-observed
// member, an unobserved class at every member (all must agree: the nets need not ignore the
// cells the classes ignore). With `data_is_exact` (noise-free observations) an observed class
// takes the output its data show — the data prove it — and is left unknown if its observed
// members disagree (then the classes are wrong for this rule). On `noisy` data, an observed class
// whose data settle it beyond what the noise explains (misreads.h's settle) takes that output,
// whatever the nets say. An empty committee is no nets: only the data fix classes, every other
// class is unknown.
ExtractedRule extract(const std::vector<Predictions>& committee, const groups::Orbits& classes,
                      const ca::PatternCounts& counts, double significance, bool data_is_exact,
                      const NoisyData* noisy = nullptr);

// Rolling a partial table out from x_0. A cell whose pattern hits an unknown entry, or whose
// neighbourhood contains such a cell, is undetermined from then on and counts as wrong.
// per_step[t-1]: the share of wrong or undetermined cells at step t; loss over the whole rollout
// is L2.
using RuleRollout = ca::RolloutScore;
RuleRollout rule_rollout(const ca::RuleTable& table, const ca::Trajectory& truth,
                         ca::Boundary boundary);
// Teacher-forced: each x_t → x_{t+1} judged on its own (unknown entries count as wrong).
RuleRollout one_step_errors(const ca::RuleTable& table, const ca::Trajectory& truth,
                            ca::Boundary boundary);

}  // namespace carl::extractor
