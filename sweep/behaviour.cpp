#include "sweep/behaviour.h"

#include "ca/grid.h"
#include "ca/simulate.h"

namespace carl::sweep {

std::string rule_behaviour(const ca::RuleTable& rule, const Regime& regime) {
  if (rule.output(0)) return "B0";
  constexpr int kSoups = 4;  // seeds 1…4: enough to smooth one unlucky soup on a 16×16 torus
  double final_share = 0;
  for (int s = 1; s <= kSoups; ++s) {
    const ca::Grid x0 = ca::random_soup(regime.side, regime.side, regime.density, std::uint64_t(s));
    ca::Grid x = x0;
    for (int t = 0; t < regime.steps; ++t) x = ca::step(rule, x);
    final_share += double(x.population()) / double(x.height() * x.width()) / kSoups;
  }
  if (final_share <= regime.density / 10) return "dying";
  if (final_share >= 1.5 * regime.density) return "explosive";
  return "steady";
}

const std::vector<std::string>& rule_behaviours() {
  static const std::vector<std::string> behaviours = {"B0", "dying", "explosive", "steady"};
  return behaviours;
}

}  // namespace carl::sweep
