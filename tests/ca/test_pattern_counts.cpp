#include <catch2/catch.hpp>

#include "ca/error.h"
#include "ca/pattern_counts.h"
#include "ca/rulestring.h"

using namespace carl::ca;

namespace {
// x0: one live cell at the centre of a 5×5 torus; x1: that cell and the corner (0,0) alive.
Trajectory hand_made() {
  Grid x0(5, 5), x1(5, 5);
  x0.set(2, 2, true);
  x1.set(2, 2, true);
  x1.set(0, 0, true);
  return Trajectory{{x0, x1}};
}
}  // namespace

TEST_CASE("pattern counts on a hand-made 5x5 torus", "[pattern_counts]") {
  const PatternCounts n = count_patterns(hand_made());
  // Worked out by hand: the live cell is the SE, S, SW, E, W, NE, N, NW neighbour of the eight
  // cells around it (patterns 1, 2, 4, 8, 32, 64, 128, 256), all dead at t=1; it is the centre of
  // its own pattern 16 and stays alive; the other 16 cells see pattern 0, and one of them, (0,0),
  // becomes alive.
  for (Pattern p : {1, 2, 4, 8, 32, 64, 128, 256}) {
    CHECK(n.n[p][0] == 1);
    CHECK(n.n[p][1] == 0);
  }
  CHECK(n.n[16][1] == 1);
  CHECK(n.n[16][0] == 0);
  CHECK(n.n[0][0] == 15);
  CHECK(n.n[0][1] == 1);
  CHECK(n.transitions() == 25);
  CHECK(n.observed_count() == 10);
  CHECK(n.contradictory(0));
  CHECK_FALSE(n.contradictory(16));
}

TEST_CASE("window counting uses interior cells only", "[pattern_counts]") {
  const PatternCounts n = count_patterns(hand_made(), Boundary::window);
  // Interior = the 3×3 block around the live cell: the nine non-zero patterns, nothing else.
  for (Pattern p : {1, 2, 4, 8, 32, 64, 128, 256}) CHECK(n.n[p][0] == 1);
  CHECK(n.n[16][1] == 1);
  CHECK(n.total(0) == 0);
  CHECK(n.transitions() == 9);
}

TEST_CASE("counts of a real trajectory agree with its rule", "[pattern_counts]") {
  const RuleTable life = parse_rule("B3/S23");
  const Trajectory t = simulate(life, random_soup(32, 32, 0.4, 3), 10);
  PatternCounts n = count_patterns(t);
  REQUIRE(n.transitions() == 32u * 32u * 10u);
  const RuleTable forced = n.majority_table();
  for (int p = 0; p < 512; ++p) {
    REQUIRE_FALSE(n.contradictory(Pattern(p)));
    if (forced.known(Pattern(p))) REQUIRE(forced.output(Pattern(p)) == life.output(Pattern(p)));
  }
  PatternCounts twice = n;
  twice += n;
  REQUIRE(twice.transitions() == 2 * n.transitions());
}

TEST_CASE("frames of different sizes are refused, naming them", "[pattern_counts]") {
  // for_each_update, the scan every count uses, checks each pair of frames: a next frame of
  // another size would be read at the first frame's cells.
  Trajectory t = hand_made();
  t.frames.push_back(Grid(6, 7));
  for (Boundary b : {Boundary::torus, Boundary::window}) {
    PatternCounts n;
    REQUIRE_THROWS_AS(n.add(t, b), carl::InputError);
    REQUIRE_THROWS_WITH(n.add(t, b), "trajectory frame 2 is 6x7 (HxW) but frame 1 is 5x5");
  }
}
