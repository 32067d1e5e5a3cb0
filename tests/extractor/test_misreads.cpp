#include <catch2/catch.hpp>

#include "extractor/misreads.h"

using namespace carl;

TEST_CASE("misread inflow: patterns one and two cells away, outside the class", "[misreads]") {
  const groups::Orbits each(groups::Subgroup{});  // every pattern a class of its own
  ca::PatternCounts c;
  c.n[0][0] = 1000;  // one cell from pattern 1
  c.n[2][0] = 500;   // two cells from pattern 1 (cells 0 and 1)
  c.n[2][1] = 7;     // the other next state: not counted for next state 0
  const int one = each.orbit_of(ca::Pattern(1));
  REQUIRE(extractor::misread_inflow(each, one, c, 0.01, false) ==
          Approx(0.01 * 1000 + 0.0001 * 500));
  REQUIRE(extractor::misread_inflow(each, one, c, 0.01, true) == Approx(0.0001 * 7));
  // Under p4m pattern 1 (a corner alone) is one of four corners: each flips into pattern 0, and
  // pattern 2 (an edge cell alone) lies outside the class; a flip between members is no misread.
  const groups::Orbits p4m(groups::Subgroup::parse("p4m"));
  ca::PatternCounts d;
  d.n[0][0] = 1000;
  d.n[4][0] = 300;  // another corner alone: in the class, never a misread of it
  REQUIRE(extractor::misread_inflow(p4m, p4m.orbit_of(ca::Pattern(1)), d, 0.01, false) ==
          Approx(4 * 0.01 * 1000));
  // A cell the classes ignore (cell 8): flipping it stays in the class, so it is no misread.
  const groups::Orbits ignoring(groups::Subgroup{}, groups::CellMask(1u << 8));
  ca::PatternCounts e;
  e.n[0][0] = 1000;   // one cell from pattern 1, two from pattern 257
  e.n[257][0] = 300;  // pattern 1 with cell 8 alive: the same class
  REQUIRE(extractor::misread_inflow(ignoring, ignoring.orbit_of(ca::Pattern(1)), e, 0.01, false) ==
          Approx(0.01 * 1000 + 0.0001 * 1000));
}

TEST_CASE("noisy evidence: what settles a class's entry", "[misreads]") {
  const groups::Orbits each(groups::Subgroup{});
  const double rate = 0.01;
  auto evidence = [&](const ca::PatternCounts& c, int p) {
    return extractor::noisy_evidence(each, each.orbit_of(ca::Pattern(p)), c, rate);
  };
  SECTION("updates of one next state, far beyond the noise, settle it") {
    ca::PatternCounts c;
    c.n[0x10][1] = 20;
    const auto e = evidence(c, 0x10);
    REQUIRE(e.updates[1] == 20);
    REQUIRE(e.chance[1] == 1.0);  // nothing goes against 1
    REQUIRE(e.chance[0] < 1e-10);
    REQUIRE(e.settled() == true);
  }
  SECTION("a rare class beside a common one is not settled by updates misreads explain") {
    ca::PatternCounts c;
    c.n[0x10][1] = 1;
    c.n[0x11][1] = 1000;  // one cell away: about 10 misreads into 0x10, all with next state 1
    const auto e = evidence(c, 0x10);
    REQUIRE(e.chance[0] > 0.5);
    REQUIRE_FALSE(e.settled().has_value());
  }
  SECTION("both next states beyond the noise: the far likelier one") {
    // All nine cells alive, 500 updates to 1 and 30 to 0 beside a neighbour of 1250 updates to
    // 0: λ = 0.01 × (530 + 1250) = 17.8 and P(Poisson(17.8) ≥ 30) = 0.0051 (worked in Python),
    // below 1 %, as a cluster of misreads makes it; 500 ones are out of all reach of 0.
    ca::PatternCounts c;
    c.n[0x1FF][1] = 500;
    c.n[0x1FF][0] = 30;
    c.n[0x1FE][0] = 1250;
    const auto e = evidence(c, 0x1FF);
    REQUIRE(e.chance[1] == Approx(0.0051247).epsilon(1e-3));
    REQUIRE(e.chance[0] < 1e-12);
    REQUIRE(e.settled() == true);
  }
  SECTION("both beyond the noise and about as likely: not settled") {
    // 20 and 20 beside 1000 and 1000: P(Poisson(0.01 × (40 + 1000)) ≥ 20) = 0.0052 each.
    ca::PatternCounts c;
    c.n[0x10][0] = c.n[0x10][1] = 20;
    c.n[0x11][0] = 1000;
    c.n[0x12][1] = 1000;
    const auto e = evidence(c, 0x10);
    REQUIRE(e.chance[0] == Approx(0.0052416).epsilon(1e-3));
    REQUIRE(e.chance[1] == Approx(e.chance[0]));
    REQUIRE_FALSE(e.settled().has_value());
  }
}
