#include "ca/random_rules.h"

#include <random>

#include "ca/error.h"
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

RuleTable von_neumann_rule(unsigned births, unsigned survivals) {
  if (births > 0x1Fu || survivals > 0x1Fu)
    throw InputError(
        fmt::format("von Neumann rule: births {:#x} / survivals {:#x} name more than 4 neighbours",
                    births, survivals));
  constexpr unsigned orthogonal = (1u << N) | (1u << W) | (1u << E) | (1u << S);
  return RuleTable::from_function([&](Pattern p) {
    const int n = __builtin_popcount(p & orthogonal);
    return (((pattern_centre(p) ? survivals : births) >> n) & 1u) != 0;
  });
}

RuleTable random_von_neumann_rule(std::uint64_t seed, bool no_b0) {
  std::mt19937_64 rng(seed);
  unsigned births = 0, survivals = 0;
  for (int n = 0; n <= 4; ++n) births |= unsigned(rng() & 1) << n;
  for (int n = 0; n <= 4; ++n) survivals |= unsigned(rng() & 1) << n;
  if (no_b0) births &= ~1u;
  return von_neumann_rule(births, survivals);
}

}  // namespace carl::ca
