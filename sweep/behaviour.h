#pragma once
// Rule families by behaviour, for the atlas and the zoo's summaries: where carl fails, and why,
// depends far more on what a hidden rule does to a random soup than on its rulestring. (Not the
// sweep file's `family`, which names a rule space.)
#include <string>
#include <vector>

#include "ca/rule_table.h"
#include "sweep/job.h"

namespace carl::sweep {

// The behaviour of `rule` as seen in `regime`:
//   "B0"        the empty neighbourhood gives birth (the rule turns the background on);
//   "dying"     otherwise, soups of the regime (side, density, steps; torus) have a live share at
//               the last step of at most a tenth of the regime's density, on average over four
//               soups;
//   "explosive" that share is at least 1.5 × the regime's density;
//   "steady"    anything else.
// A function of the rule and the regime's shape alone (the soups' seeds are fixed), so the same
// run gets the same behaviour in every sweep and on every platform.
std::string rule_behaviour(const ca::RuleTable& rule, const Regime& regime);

// The behaviours in the order summaries list them.
const std::vector<std::string>& rule_behaviours();

}  // namespace carl::sweep
