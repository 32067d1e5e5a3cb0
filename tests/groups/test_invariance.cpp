#include <catch2/catch.hpp>

#include "ca/pattern_counts.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "groups/invariance.h"
#include "groups/orbits.h"

using namespace carl;
using groups::Subgroup;

namespace {
// Born on exactly two neighbours that are an edge and the corner clockwise after it (N+NE,
// E+SE, S+SW, W+NW); survives on 2 or 3. Its mirror image is born on the anticlockwise pairs.
ca::RuleTable chiral_rule() {
  using ca::Pattern;
  const auto bit = [](int b) { return 1u << b; };
  const unsigned clockwise[] = {bit(ca::N) | bit(ca::NE), bit(ca::E) | bit(ca::SE),
                                bit(ca::S) | bit(ca::SW), bit(ca::W) | bit(ca::NW)};
  return ca::RuleTable::from_function([&](Pattern p) {
    const unsigned nbrs = p & 0x1EFu;
    if (ca::pattern_centre(p))
      return ca::pattern_neighbours(p) == 2 || ca::pattern_neighbours(p) == 3;
    for (unsigned c : clockwise)
      if (nbrs == c) return true;
    return false;
  });
}
}  // namespace

TEST_CASE("Life is p4m-invariant, a random MAP rule only p1", "[invariance]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  for (const Subgroup& g : Subgroup::all()) REQUIRE(groups::is_invariant(life, g));
  REQUIRE(groups::largest_invariant_subgroup(life).name() == "p4m");
  const ca::RuleTable random = ca::random_rule(42);
  REQUIRE(groups::largest_invariant_subgroup(random).name() == "p1");
  for (const Subgroup& g : Subgroup::all())
    if (g.order() > 1) REQUIRE_FALSE(groups::is_invariant(random, g));
}

TEST_CASE("a hand-made chiral rule is p4 but not p4m", "[invariance]") {
  const ca::RuleTable chiral = chiral_rule();
  REQUIRE(groups::is_invariant(chiral, Subgroup::parse("p4")));
  REQUIRE(groups::is_invariant(chiral, Subgroup::parse("p2")));
  REQUIRE_FALSE(groups::is_invariant(chiral, Subgroup::parse("p4m")));
  REQUIRE_FALSE(groups::is_invariant(chiral, Subgroup::parse("pm-v")));
  REQUIRE_FALSE(groups::is_invariant(chiral, Subgroup::parse("cm-d")));
  REQUIRE(groups::largest_invariant_subgroup(chiral).name() == "p4");
  // The contradictions name mirror-image pairs: N+NE (born) against N+NW (not born).
  const auto c = groups::contradictions(chiral, Subgroup::parse("pm-v"));
  REQUIRE_FALSE(c.empty());
  for (const auto& x : c) {
    REQUIRE(chiral.output(x.a) != chiral.output(x.b));
    REQUIRE(groups::apply(x.g, x.a) == x.b);
  }
}

TEST_CASE("mirror-only rules get their mirror group", "[invariance]") {
  // Random pm-v-invariant table: one random bit per pm-v orbit.
  const groups::Orbits o(Subgroup::parse("pm-v"));
  std::vector<std::optional<bool>> v(static_cast<std::size_t>(o.count()));
  std::uint64_t x = 12345;
  for (auto& b : v) b = ((x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 33) & 1;
  const ca::RuleTable t = groups::expand(o, v);
  REQUIRE(groups::largest_invariant_subgroup(t).name() == "pm-v");
}

TEST_CASE("contradictions in data and in partial tables", "[invariance]") {
  // HighLife data is never contradictory under p4m; the chiral rule's data is under p4m once a
  // mirror pair has been seen, and the group read off the data respects that.
  const ca::RuleTable highlife = ca::parse_rule("B36/S23");
  ca::PatternCounts n =
      ca::count_patterns(ca::simulate(highlife, ca::random_soup(32, 32, 0.4, 1), 16));
  REQUIRE(groups::contradictions(n, Subgroup::parse("p4m")).empty());
  REQUIRE(groups::largest_invariant_subgroup(n).name() == "p4m");

  const ca::RuleTable chiral = chiral_rule();
  ca::PatternCounts m =
      ca::count_patterns(ca::simulate(chiral, ca::random_soup(64, 64, 0.3, 2), 8));
  REQUIRE_FALSE(groups::contradictions(m, Subgroup::parse("p4m")).empty());
  REQUIRE(groups::contradictions(m, Subgroup::parse("p4")).empty());
  REQUIRE(Subgroup::parse("p4").contains(groups::largest_invariant_subgroup(m)));

  // A partial table with a single known entry is invariant under everything.
  ca::RuleTable one;
  one.set(5, true);
  REQUIRE(groups::largest_invariant_subgroup(one).name() == "p4m");
}
