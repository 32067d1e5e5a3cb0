#include <catch2/catch.hpp>
#include <set>

#include "ca/hensel.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "groups/orbits.h"

using namespace carl;
using groups::Orbits;
using groups::Subgroup;

TEST_CASE("orbit counts of the 512 patterns", "[orbits]") {
  const std::pair<const char*, int> expected[] = {
      {"p1", 512},   {"p2", 272},  {"pm-v", 288}, {"pm-h", 288}, {"cm-d", 288},
      {"cm-a", 288}, {"pmm", 168}, {"cmm", 168},  {"p4", 140},   {"p4m", 102}};
  for (auto [name, count] : expected) {
    INFO(name);
    const Orbits o(Subgroup::parse(name));
    REQUIRE(o.count() == count);
    int total = 0;
    for (int i = 0; i < o.count(); ++i) {
      total += static_cast<int>(o.members(i).size());
      REQUIRE(o.representative(i) == o.members(i).front());
      if (i > 0) REQUIRE(o.representative(i) > o.representative(i - 1));
      for (ca::Pattern p : o.members(i)) {
        REQUIRE(o.orbit_of(p) == i);
        for (groups::Symmetry g : o.group().elements())
          REQUIRE(o.orbit_of(groups::apply(g, p)) == i);
      }
    }
    REQUIRE(total == 512);
  }
}

TEST_CASE("expanding per-orbit values and back", "[orbits]") {
  const Orbits o(Subgroup::parse("p4"));
  std::vector<std::optional<bool>> values(static_cast<std::size_t>(o.count()));
  for (std::size_t i = 0; i < values.size(); ++i)
    if (i % 5 != 0) values[i] = (i * 7) % 3 == 0;
  const ca::RuleTable t = groups::expand(o, values);
  REQUIRE(groups::per_orbit(o, t) == values);
  std::size_t known = 0;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i]) known += o.members(static_cast<int>(i)).size();
  REQUIRE(t.known_count() == known);
  // A table that is not invariant cannot be restricted.
  REQUIRE_THROWS_WITH(groups::per_orbit(Orbits(Subgroup::parse("p4m")), ca::random_rule(3)),
                      Catch::Contains("not p4m-invariant"));
}

TEST_CASE("p4m orbits are the Hensel classes with a centre state", "[orbits][hensel]") {
  std::set<std::pair<bool, int>> seen;
  for (int orbit = 0; orbit < 102; ++orbit) {
    const auto h = groups::hensel_of_p4m_orbit(orbit);
    REQUIRE(seen.insert({h.centre, h.hensel_class}).second);  // each (centre, class) once
    REQUIRE(groups::p4m_orbit_of_hensel(h.centre, h.hensel_class) == orbit);
  }
  REQUIRE(seen.size() == 102);
  // Agrees with the codec: every pattern's p4m orbit is its (centre, Hensel class).
  const Orbits o(Subgroup::parse("p4m"));
  for (int p = 0; p < 512; ++p) {
    const auto h = groups::hensel_of_p4m_orbit(o.orbit_of(ca::Pattern(p)));
    REQUIRE(h.centre == ca::pattern_centre(ca::Pattern(p)));
    REQUIRE(h.hensel_class == ca::hensel_class(ca::Pattern(p)));
  }
  // And through the codec: a Hensel rule expands from its 102 orbit values.
  const ca::RuleTable rule = ca::parse_rule("B2-a/S12");
  const auto values = groups::per_orbit(o, rule);
  REQUIRE(groups::expand(o, values) == rule);
}
