#pragma once
// Families of hidden rules by how their soups behave, for the atlas and the zoo's summaries:
// where carl fails, and why, depends far more on what a rule does to a random soup than on its
// rulestring.
#include <string>
#include <vector>

#include "ca/rule_table.h"
#include "sweep/job.h"

namespace carl::sweep {

// The family of `rule` as seen in `regime`:
//   "B0"        the empty neighbourhood gives birth (the rule turns the background on);
//   "dying"     otherwise, soups of the regime (side, density, steps; torus) keep at most a tenth
//               of their initial live cells at the last step, on average over four soups;
//   "explosive" their live share at the last step is at least 1.5 × the initial density;
//   "steady"    anything else.
// A function of the rule and the regime's shape alone (the soups' seeds are fixed), so the same
// run gets the same family in every sweep and on every platform.
std::string rule_family(const ca::RuleTable& rule, const Regime& regime);

// The families in the order summaries list them.
const std::vector<std::string>& rule_families();

}  // namespace carl::sweep
