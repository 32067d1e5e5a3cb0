#pragma once
// Seeded random rules, for tests, benchmarks and the rule zoo. Each family draws one fair bit per
// free output: per pattern (any rule), per (centre, Hensel class) (isotropic), per (centre,
// neighbour count) (outer-totalistic). `no_b0` keeps the empty neighbourhood dead.
#include <cstdint>

#include "ca/rule_table.h"

namespace carl::ca {

RuleTable random_rule(std::uint64_t seed, bool no_b0 = false);
RuleTable random_isotropic_rule(std::uint64_t seed, bool no_b0 = false);
RuleTable random_outer_totalistic_rule(std::uint64_t seed, bool no_b0 = false);

// Outer-totalistic rules on the von Neumann neighbourhood (N, W, E, S; the corners are ignored):
// bit n of `births` (`survivals`) set → a dead (live) cell with n live orthogonal neighbours
// (n = 0…4) is live next. Bits above 4 are an error (InputError).
RuleTable von_neumann_rule(unsigned births, unsigned survivals);
// One fair bit per (centre, orthogonal neighbour count): 10 bits.
RuleTable random_von_neumann_rule(std::uint64_t seed, bool no_b0 = false);

}  // namespace carl::ca
