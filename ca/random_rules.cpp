#include "ca/random_rules.h"

#include <random>

#include "ca/hensel.h"

namespace carl::ca {
namespace {
RuleTable finish(RuleTable t, bool no_b0) {
  if (no_b0) t.set(0, false);
  return t;
}
}  // namespace

RuleTable random_rule(std::uint64_t seed, bool no_b0) {
  std::mt19937_64 rng(seed);
  return finish(RuleTable::from_function([&](Pattern) { return (rng() & 1) != 0; }), no_b0);
}

RuleTable random_isotropic_rule(std::uint64_t seed, bool no_b0) {
  std::mt19937_64 rng(seed);
  bool out[2][kHenselClassCount];
  for (auto& half : out)
    for (bool& o : half) o = rng() & 1;
  return finish(
      RuleTable::from_function([&](Pattern p) { return out[pattern_centre(p)][hensel_class(p)]; }),
      no_b0);
}

RuleTable random_outer_totalistic_rule(std::uint64_t seed, bool no_b0) {
  std::mt19937_64 rng(seed);
  bool out[2][9];
  for (auto& half : out)
    for (bool& o : half) o = rng() & 1;
  return finish(RuleTable::from_function(
                    [&](Pattern p) { return out[pattern_centre(p)][pattern_neighbours(p)]; }),
                no_b0);
}

}  // namespace carl::ca
