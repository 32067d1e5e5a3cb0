#include <catch2/catch.hpp>

#include "ca/pattern_counts.h"
#include "ca/random_rules.h"
#include "ca/simulate.h"
#include "groups/d4.h"

using namespace carl;
using groups::Symmetry;

TEST_CASE("D4 multiplication: closure, identity, inverses, associativity", "[d4]") {
  for (Symmetry g : groups::kD4) {
    REQUIRE(groups::compose(g, Symmetry::identity) == g);
    REQUIRE(groups::compose(Symmetry::identity, g) == g);
    REQUIRE(groups::compose(g, groups::inverse(g)) == Symmetry::identity);
    for (Symmetry h : groups::kD4)
      for (Symmetry k : groups::kD4)
        REQUIRE(groups::compose(groups::compose(g, h), k) ==
                groups::compose(g, groups::compose(h, k)));
  }
  // Hand-checked relations: four quarter turns; two mirrors at 90° make a half turn; a mirror
  // and a quarter turn make a diagonal mirror.
  REQUIRE(groups::compose(Symmetry::rot90, Symmetry::rot90) == Symmetry::rot180);
  REQUIRE(groups::compose(Symmetry::rot90, Symmetry::rot270) == Symmetry::identity);
  REQUIRE(groups::compose(Symmetry::mirror_v, Symmetry::mirror_h) == Symmetry::rot180);
  REQUIRE(groups::inverse(Symmetry::rot90) == Symmetry::rot270);
}

TEST_CASE("the action on patterns, by hand", "[d4]") {
  using ca::Pattern;
  const auto bit = [](int b) { return Pattern(1u << b); };
  // A clockwise quarter turn moves the top (N) to the right (E), NE to SE.
  REQUIRE(groups::apply(Symmetry::rot90, bit(ca::N)) == bit(ca::E));
  REQUIRE(groups::apply(Symmetry::rot90, bit(ca::NE)) == bit(ca::SE));
  REQUIRE(groups::apply(Symmetry::mirror_v, bit(ca::W)) == bit(ca::E));
  REQUIRE(groups::apply(Symmetry::mirror_h, bit(ca::NW)) == bit(ca::SW));
  REQUIRE(groups::apply(Symmetry::mirror_d, bit(ca::NE)) == bit(ca::SW));
  REQUIRE(groups::apply(Symmetry::mirror_d, bit(ca::N)) == bit(ca::W));
  REQUIRE(groups::apply(Symmetry::mirror_a, bit(ca::NW)) == bit(ca::SE));
  REQUIRE(groups::apply(Symmetry::mirror_a, bit(ca::NE)) == bit(ca::NE));
  for (Symmetry g : groups::kD4) {
    // A permutation of the 512 patterns fixing the centre and the neighbour count.
    std::vector<bool> hit(512, false);
    for (int p = 0; p < 512; ++p) {
      const Pattern q = groups::apply(g, Pattern(p));
      REQUIRE_FALSE(hit[q]);
      hit[q] = true;
      REQUIRE(ca::pattern_centre(q) == ca::pattern_centre(Pattern(p)));
      REQUIRE(ca::pattern_neighbours(q) == ca::pattern_neighbours(Pattern(p)));
      for (Symmetry h : groups::kD4)
        REQUIRE(groups::apply(groups::compose(g, h), Pattern(p)) ==
                groups::apply(g, groups::apply(h, Pattern(p))));
    }
  }
}

TEST_CASE("the action on patterns agrees with the action on grids", "[d4]") {
  // Transform a trajectory's grids, count patterns: the counts of g·p there equal the counts of
  // p in the original.
  const ca::RuleTable rule = ca::random_rule(11);
  const ca::Trajectory t = ca::simulate(rule, ca::random_soup(9, 14, 0.5, 3), 3);
  const ca::PatternCounts n = ca::count_patterns(t);
  for (Symmetry g : groups::kD4) {
    INFO(groups::name(g));
    ca::Trajectory moved;
    for (const ca::Grid& x : t.frames) moved.frames.push_back(groups::apply(g, x));
    REQUIRE(moved.frames[0].height() == (groups::swaps_axes(g) ? 14 : 9));
    const ca::PatternCounts m = ca::count_patterns(moved);
    for (int p = 0; p < 512; ++p) {
      const ca::Pattern q = groups::apply(g, ca::Pattern(p));
      REQUIRE(m.n[q] == n.n[static_cast<std::size_t>(p)]);
    }
  }
}

TEST_CASE("the action on k×k kernels", "[d4]") {
  Eigen::MatrixXd k(3, 3);
  k << 1, 2, 3, 4, 5, 6, 7, 8, 9;
  Eigen::MatrixXd r(3, 3);  // clockwise quarter turn of k
  r << 7, 4, 1, 8, 5, 2, 9, 6, 3;
  REQUIRE(groups::apply(Symmetry::rot90, k) == r);
  REQUIRE(groups::apply(Symmetry::mirror_d, k) == k.transpose());
  Eigen::MatrixXd big = Eigen::MatrixXd::Random(5, 5);
  for (Symmetry g : groups::kD4)
    for (Symmetry h : groups::kD4)
      REQUIRE(groups::apply(groups::compose(g, h), big)
                  .isApprox(groups::apply(g, groups::apply(h, big))));
  REQUIRE_THROWS(groups::apply(Symmetry::rot90, Eigen::MatrixXd(2, 2)));
}
