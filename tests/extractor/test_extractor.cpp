#include <catch2/catch.hpp>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "extractor/extractor.h"

using namespace carl;
using extractor::Predictions;
using extractor::Provenance;

namespace {
Predictions constant(double p) {
  Predictions x;
  x.fill(p);
  return x;
}
}  // namespace

TEST_CASE("significance: every member confident and agreeing", "[extractor]") {
  ca::PatternCounts none;
  Predictions a = constant(0.95), b = constant(0.97), c = constant(0.95);
  b[5] = 0.2;   // disagrees on pattern 5
  c[9] = 0.85;  // agrees but not confident on 9
  a[17] = 0.02;
  b[17] = 0.01;
  c[17] = 0.05;  // all confident on 0 for 17
  const auto r = extractor::extract({a, b, c}, groups::Subgroup(), none, 0.9);
  REQUIRE(r.total_orbits == 512);
  REQUIRE(r.significant_orbits == 510);
  REQUIRE_FALSE(r.table.known(5));
  REQUIRE_FALSE(r.table.known(9));
  REQUIRE(r.table.known(17));
  REQUIRE_FALSE(r.table.output(17));
  REQUIRE(r.table.output(3));
  REQUIRE(r.provenance[5] == Provenance::unknown);
  REQUIRE(r.provenance[3] == Provenance::generalized);  // nothing was observed
  // A single net: only its own confidence counts.
  REQUIRE(extractor::extract({b}, groups::Subgroup(), none, 0.9).table.known(9));
}

TEST_CASE("provenance: observed, by symmetry, generalized, unknown", "[extractor]") {
  const groups::Subgroup p4m = groups::Subgroup::parse("p4m");
  const groups::Orbits orbits(p4m);
  ca::PatternCounts counts;
  counts.n[1][0] = 3;  // pattern 1 (SE alone) observed; its orbit has 4 members
  Predictions p = constant(0.01);
  const ca::Pattern unsure = orbits.representative(orbits.orbit_of(ca::Pattern(0x1EF)));
  p[unsure] = 0.5;
  const auto r = extractor::extract({p}, p4m, counts, 0.9);
  REQUIRE(r.total_orbits == 102);
  REQUIRE(r.significant_orbits == 101);
  REQUIRE(r.provenance[1] == Provenance::observed);
  REQUIRE(r.provenance[4] == Provenance::symmetry);  // SW alone, the same orbit
  REQUIRE(r.provenance[0] == Provenance::generalized);
  REQUIRE(r.provenance[0x1EF] == Provenance::unknown);
  const auto n = r.count_by_provenance();
  REQUIRE(n[0] == 1);
  REQUIRE(n[1] == 3);
  REQUIRE(n[0] + n[1] + n[2] + n[3] == 512);
  REQUIRE(n[3] == static_cast<int>(orbits.members(orbits.orbit_of(0x1EF)).size()));
}

TEST_CASE("rule rollout: exact rule, and unknown entries spreading", "[extractor]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  const ca::Trajectory t = ca::simulate(life, ca::random_soup(16, 16, 0.4, 2), 6);
  REQUIRE(extractor::rule_rollout(life, t, ca::Boundary::torus).loss == 0.0);
  REQUIRE(extractor::one_step_errors(life, t, ca::Boundary::torus).loss == 0.0);

  // By hand: one live cell on a 7×7 torus under a rule that kills everything, except that the
  // lone-centre pattern (16) is unknown. Step 1: that cell is undetermined (1 of 49 wrong).
  // Step 2: every cell whose neighbourhood holds it (3×3 = 9) is undetermined.
  ca::RuleTable partial = ca::RuleTable::from_function([](ca::Pattern) { return false; });
  partial.forget(16);
  ca::Grid x(7, 7);
  x.set(3, 3, true);
  const ca::Trajectory truth = ca::simulate(ca::parse_rule("B/S"), x, 2);
  const auto r = extractor::rule_rollout(partial, truth, ca::Boundary::torus);
  REQUIRE(r.per_step.size() == 2);
  REQUIRE(r.per_step[0] == Approx(1.0 / 49));
  REQUIRE(r.per_step[1] == Approx(9.0 / 49));
  REQUIRE(r.loss == Approx(10.0 / 98));
  // One step at a time, only x_0's lone cell hits the unknown entry.
  const auto s = extractor::one_step_errors(partial, truth, ca::Boundary::torus);
  REQUIRE(s.per_step[0] == Approx(1.0 / 49));
  REQUIRE(s.per_step[1] == 0.0);
}

TEST_CASE("a wrong entry shows in the rule loss", "[extractor]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  const ca::RuleTable highlife = ca::parse_rule("B36/S23");
  const ca::Trajectory t = ca::simulate(highlife, ca::random_soup(32, 32, 0.5, 4), 8);
  REQUIRE(extractor::rule_rollout(life, t, ca::Boundary::torus).loss > 0);
  REQUIRE(extractor::one_step_errors(life, t, ca::Boundary::torus).loss > 0);
  // Window: the judged region shrinks by one cell per side per step.
  const auto w = extractor::rule_rollout(highlife, t, ca::Boundary::window);
  REQUIRE(w.loss == 0.0);
  REQUIRE(w.cells ==
          30L * 30 + 28 * 28 + 26 * 26 + 24 * 24 + 22 * 22 + 20 * 20 + 18 * 18 + 16 * 16);
}
