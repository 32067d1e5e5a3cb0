#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <tuple>

#include "ca/pattern_counts.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "extractor/misreads.h"
#include "support.h"

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
  // The class of pattern p's evidence and settled output, every class judged together.
  auto judged = [&](const ca::PatternCounts& c, int p) {
    const auto s = extractor::settle(each, c, extractor::every_update(each, c), rate);
    const auto o = std::size_t(each.orbit_of(ca::Pattern(p)));
    return std::pair{s.evidence[o], s.settled[o]};
  };
  SECTION("updates of one next state, far beyond the noise, settle it") {
    ca::PatternCounts c;
    c.n[0x10][1] = 20;
    const auto [e, settled] = judged(c, 0x10);
    REQUIRE(e.updates[1] == 20);
    REQUIRE(e.log_chance[1] == 0.0);  // nothing goes against 1: chance 1
    REQUIRE(e.log_chance[0] < std::log(1e-10));
    REQUIRE(settled == true);
  }
  SECTION("a rare class beside a common one is not settled by updates misreads explain") {
    ca::PatternCounts c;
    c.n[0x10][1] = 1;
    c.n[0x11][1] = 1000;  // one cell away: about 10 misreads into 0x10, all with next state 1
    const auto [e, settled] = judged(c, 0x10);
    REQUIRE(std::exp(e.log_chance[0]) > 0.5);
    REQUIRE_FALSE(settled.has_value());
  }
  SECTION("both next states beyond the noise: the far likelier one") {
    // All nine cells alive, 500 updates to 1 and 45 to 0 beside a neighbour of 1250 updates to
    // 0: λ = 0.01 × (545 + 1250) = 17.95 and P(Poisson(17.95) ≥ 45) = 5.9e-8 (worked in Python),
    // below 1 % over the 512 classes (2e-5), as a cluster of misreads counted update by update
    // makes it; 500 ones are out of all reach of 0.
    ca::PatternCounts c;
    c.n[0x1FF][1] = 500;
    c.n[0x1FF][0] = 45;
    c.n[0x1FE][0] = 1250;
    const auto [e, settled] = judged(c, 0x1FF);
    REQUIRE(std::exp(e.log_chance[1]) == Approx(5.8992e-8).epsilon(1e-3));
    REQUIRE(e.log_chance[0] < std::log(1e-100));
    REQUIRE(settled == true);
  }
  SECTION("both beyond the noise and about as likely: not settled") {
    // 35 and 35 beside 1000 and 1000: P(Poisson(0.01 × (70 + 1000)) ≥ 35) = 3.3e-9 each.
    ca::PatternCounts c;
    c.n[0x10][0] = c.n[0x10][1] = 35;
    c.n[0x11][0] = 1000;
    c.n[0x12][1] = 1000;
    const auto [e, settled] = judged(c, 0x10);
    REQUIRE(std::exp(e.log_chance[0]) == Approx(3.2994e-9).epsilon(1e-3));
    REQUIRE(e.log_chance[1] == Approx(e.log_chance[0]));
    REQUIRE_FALSE(settled.has_value());
  }
  SECTION("one update is not enough where 1 % over all the classes is asked") {
    // Seen once going to 0, no neighbour going to 0: λ = 0.01, P(X ≥ 1) = 0.00995, below 1 %
    // but not below 1 % / 512.
    ca::PatternCounts c;
    c.n[0x10][0] = 1;
    const auto [e, settled] = judged(c, 0x10);
    REQUIRE(std::exp(e.log_chance[1]) == Approx(1 - std::exp(-0.01)));
    REQUIRE_FALSE(settled.has_value());
    c.n[0x10][0] = 3;  // three separate updates: 1.6e-7
    REQUIRE(judged(c, 0x10).second == false);
  }
}

TEST_CASE("separate updates: at most one of those a single misread cell can change", "[misreads]") {
  // One step of an 8×8 grid, every cell dead and staying dead except a live cell at (2, 2): the
  // nine cells around it see one live cell, each pattern a class of its own under p1. Under p4m
  // the eight neighbours of the live cell fall into two classes (it in a corner, or on an edge).
  ca::Trajectory t;
  ca::Grid x(8, 8);
  x.set(2, 2, 1);
  t.frames = {x, ca::Grid(8, 8)};
  const groups::Orbits each(groups::Subgroup{});
  const auto s = extractor::separate_updates({&t}, each, ca::Boundary::torus);
  auto count = [&](ca::Pattern p) { return s[std::size_t(each.orbit_of(p))][0]; };
  REQUIRE(count(ca::Pattern(1 << ca::C)) == 1);  // the live cell itself, alone in its class
  for (int bit : {0, 1, 2, 3, 5, 6, 7, 8}) REQUIRE(count(ca::Pattern(1 << bit)) == 1);
  const groups::Orbits p4m(groups::Subgroup::parse("p4m"));
  const auto q = extractor::separate_updates({&t}, p4m, ca::Boundary::torus);
  // The four diagonal neighbours (a live corner) are each two cells from the others: one
  // separate update; the four orthogonal ones likewise.
  REQUIRE(q[std::size_t(p4m.orbit_of(ca::Pattern(1 << ca::NW)))][0] == 1);
  REQUIRE(q[std::size_t(p4m.orbit_of(ca::Pattern(1 << ca::N)))][0] == 1);
  // Every update counted once without frames.
  REQUIRE(extractor::every_update(p4m, ca::count_patterns(t, ca::Boundary::torus))[std::size_t(
              p4m.orbit_of(ca::Pattern(1 << ca::NW)))][0] == 4);
  // Two live cells far apart (rows 2 and 6 of a 12-row torus): two separate updates of each
  // neighbour class; on a 6-row torus rows 1 and 4 are three apart both ways: two as well; rows 1
  // and 3 are two apart: one. Across the wrap of a 12-row torus rows 0 and 10 are two apart: one;
  // rows 0 and 9, and 1 and 10, three: two.
  auto two_cells = [](int side, int r0, int r1) {
    ca::Trajectory u;
    ca::Grid g(side, side);
    g.set(r0, 2, 1);
    g.set(r1, 2, 1);
    u.frames = {g, ca::Grid(side, side)};
    return u;
  };
  const ca::Pattern centre_alone(1 << ca::C);
  for (auto [side, r0, r1, want] :
       {std::tuple{12, 2, 6, 2}, std::tuple{6, 1, 4, 2}, std::tuple{6, 1, 3, 1},
        std::tuple{12, 0, 10, 1}, std::tuple{12, 0, 9, 2}, std::tuple{12, 1, 10, 2}}) {
    INFO(side << " rows " << r0 << " and " << r1);
    const ca::Trajectory u = two_cells(side, r0, r1);
    REQUIRE(extractor::separate_updates(
                {&u}, each, ca::Boundary::torus)[std::size_t(each.orbit_of(centre_alone))][0] ==
            want);
  }
  // In a window the border cells are not counted (PatternCounts::add's cells): the live cell on
  // row 0 is left out.
  const ca::Trajectory w = two_cells(8, 0, 4);
  REQUIRE(extractor::separate_updates(
              {&w}, each, ca::Boundary::torus)[std::size_t(each.orbit_of(centre_alone))][0] == 2);
  REQUIRE(extractor::separate_updates(
              {&w}, each, ca::Boundary::window)[std::size_t(each.orbit_of(centre_alone))][0] == 1);
}

TEST_CASE("the misread rate estimated from noisy counts", "[misreads]") {
  // Life on a 64×64 torus, 32 steps, each shown cell flipped with chance 1 %: about a third of
  // the updates against their pattern's majority are misreads of neighbours that changed the
  // output, so that share is several times the rate; the estimate is the rate.
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  ca::Trajectory t = ca::Stepper(life).trajectory(ca::random_soup(64, 64, 0.4, 3), 32);
  const ca::PatternCounts clean = ca::count_patterns(t, ca::Boundary::torus);
  // Clean data: no minority update, an upper limit of 4.6 over the exposure.
  REQUIRE(extractor::estimate_misread_rate(clean) > 0.0);
  REQUIRE(extractor::estimate_misread_rate(clean) < 1e-4);
  t = test::with_noise(t, 0.01, 7);
  const ca::PatternCounts noisy = ca::count_patterns(t, ca::Boundary::torus);
  double minority = 0;
  for (int p = 0; p < ca::kPatternCount; ++p)
    minority += double(std::min(noisy.n[std::size_t(p)][0], noisy.n[std::size_t(p)][1]));
  INFO("share against the majority " << minority / double(noisy.transitions()));
  REQUIRE(minority / double(noisy.transitions()) > 0.02);
  REQUIRE(extractor::estimate_misread_rate(noisy) == Approx(0.01).epsilon(0.15));
  // Too few updates of any pattern to take its majority for its entry: no estimate.
  ca::PatternCounts few;
  few.n[5][0] = 9;
  REQUIRE(extractor::estimate_misread_rate(few) == 0.0);
}
