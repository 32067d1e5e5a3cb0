#include <catch2/catch.hpp>

#include "ca/error.h"
#include "ca/grid.h"

using carl::ca::Grid;

TEST_CASE("random soups are reproducible and have the asked density", "[grid]") {
  const Grid a = carl::ca::random_soup(64, 64, 0.3, 7);
  REQUIRE(a == carl::ca::random_soup(64, 64, 0.3, 7));
  REQUIRE(a != carl::ca::random_soup(64, 64, 0.3, 8));
  // 4096 cells at p = 0.3: sd ≈ 29 cells; allow 4 sd.
  REQUIRE(std::abs(static_cast<double>(a.population()) - 0.3 * 4096) < 4 * 29.3);
  REQUIRE(carl::ca::random_soup(8, 8, 0.0, 1).population() == 0);
  REQUIRE(carl::ca::random_soup(8, 8, 1.0, 1).population() == 64);
  REQUIRE_THROWS_AS(carl::ca::random_soup(8, 8, 1.5, 1), carl::InputError);
}

TEST_CASE("wrapped access and cropping", "[grid]") {
  Grid g(3, 4);
  g.set(0, 0, true);
  g.set(2, 3, true);
  REQUIRE(g.wrapped(-1, -1) == 1);  // (2, 3)
  REQUIRE(g.wrapped(3, 4) == 1);    // (0, 0)
  REQUIRE(g.wrapped(-3, 5) == 0);   // (0, 1)
  const Grid c = g.crop(1, 2, 2, 2);
  REQUIRE(c.height() == 2);
  REQUIRE(c.width() == 2);
  REQUIRE(c.at(1, 1) == 1);
  REQUIRE(c.population() == 1);
  REQUIRE_THROWS(g.crop(2, 2, 2, 2));
}
