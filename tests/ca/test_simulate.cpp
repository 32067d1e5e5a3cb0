#include <algorithm>
#include <catch2/catch.hpp>

#include "ca/error.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "support.h"

using namespace carl::ca;

TEST_CASE("every bit-sliced kernel equals the per-cell definition", "[simulate]") {
  const std::vector<std::string> kernels = Stepper::available_kernels();
  REQUIRE(std::find(kernels.begin(), kernels.end(), "generic") != kernels.end());
  for (const std::string& kernel : kernels) {
    INFO("kernel: " << kernel);
    // Widths around word and vector boundaries, tiny tori included (neighbours wrap onto
    // themselves).
    const std::pair<int, int> sizes[] = {{1, 1},   {2, 3},   {3, 5},   {7, 63},
                                         {5, 64},  {6, 65},  {4, 127}, {3, 129},
                                         {9, 511}, {4, 520}, {64, 64}, {17, 1000}};
    std::uint64_t seed = 1;
    for (auto [h, w] : sizes) {
      for (int k = 0; k < 4; ++k, ++seed) {
        const RuleTable rule = carl::ca::random_rule(seed);
        const Grid x = random_soup(h, w, 0.5, seed);
        INFO(h << "x" << w << " seed " << seed);
        REQUIRE(Stepper(rule, kernel).step(x) == step_reference(rule, x));
        REQUIRE(Stepper(rule, kernel).evolve(x, 3) ==
                step_reference(rule, step_reference(rule, step_reference(rule, x))));
      }
    }
  }
  REQUIRE_THROWS_AS(Stepper(carl::ca::random_rule(1), "quantum"), carl::InputError);
}

TEST_CASE("several steps equal repeated reference steps", "[simulate]") {
  for (std::uint64_t seed = 100; seed < 110; ++seed) {
    const RuleTable rule = carl::ca::random_rule(seed);
    Grid want = random_soup(33, 97, 0.4, seed);
    const Trajectory t = simulate(rule, want, 6);
    REQUIRE(t.frames.size() == 7);
    for (int s = 1; s <= 6; ++s) {
      want = step_reference(rule, want);
      REQUIRE(t.frames[static_cast<std::size_t>(s)] == want);
    }
    REQUIRE(Stepper(rule).evolve(t.frames[0], 6) == want);
  }
}

TEST_CASE("hand-worked Life examples", "[simulate]") {
  const RuleTable life = parse_rule("B3/S23");
  // A glider moves one cell down and right every 4 generations, wrapping on the torus.
  Grid g(8, 8);
  for (auto [r, c] : {std::pair{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}}) g.set(r, c, true);
  Grid moved(8, 8);
  for (auto [r, c] : {std::pair{1, 2}, {2, 3}, {3, 1}, {3, 2}, {3, 3}}) moved.set(r, c, true);
  REQUIRE(Stepper(life).evolve(g, 4) == moved);
  // After 32 generations it has crossed the whole 8×8 torus and is home again.
  REQUIRE(Stepper(life).evolve(g, 32) == g);
  // A blinker has period 2.
  Grid b(5, 5);
  for (int c = 1; c <= 3; ++c) b.set(2, c, true);
  Grid v(5, 5);
  for (int r = 1; r <= 3; ++r) v.set(r, 2, true);
  REQUIRE(step(life, b) == v);
  REQUIRE(step(life, v) == b);
}

TEST_CASE("B0 rules: empty space is born", "[simulate]") {
  // B0/S: every dead cell whose neighbours are all dead is born; every live cell dies.
  const RuleTable b0 = parse_rule("B0/S");
  Grid empty(6, 70);
  Grid full(6, 70);
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 70; ++c) full.set(r, c, true);
  REQUIRE(step(b0, empty) == full);
  REQUIRE(step(b0, full) == empty);
  // B0/S8 keeps a full grid full and fills an empty one.
  const RuleTable b0s8 = parse_rule("B0/S8");
  REQUIRE(step(b0s8, full) == full);
  REQUIRE(step(b0s8, empty) == full);
  // A single live cell under B0/S: it and its 8 neighbours have a live cell in view, so only
  // they stay dead (the centre dies, nobody around is born).
  Grid one(5, 5);
  one.set(2, 2, true);
  const Grid after = step(b0, one);
  REQUIRE(after.population() == 25 - 9);
  REQUIRE(after == step_reference(b0, one));
}

TEST_CASE("window steps equal the interior of the larger world's step", "[simulate]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const RuleTable rule = carl::ca::random_rule(seed + 40);
    const Grid world = random_soup(40, 50, 0.5, seed);
    const Grid window = world.crop(10, 12, 16, 20);
    const Grid next_world = step(rule, world);
    REQUIRE(step_window(rule, window) == next_world.crop(11, 13, 14, 18));
  }
}

TEST_CASE("a partial table cannot be compiled", "[simulate]") {
  RuleTable t = parse_rule("B3/S23");
  t.forget(17);
  REQUIRE_THROWS_AS(Stepper(t), carl::InputError);
  // The reference stepper marks cells that hit an unknown entry.
  const Grid ones = step_reference(t, Grid(3, 3), 1);
  REQUIRE(ones.population() == 0);  // pattern 0 is known (dead)
}
