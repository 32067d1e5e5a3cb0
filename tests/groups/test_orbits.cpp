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

namespace {
// Reference partition by union-find: join p with g·p for every g in G and with p ^ (1 << k) for
// every cell k of the mask as given (not closed under G), until nothing changes.
std::vector<int> brute_force_classes(Subgroup group, groups::CellMask mask) {
  std::vector<int> parent(512);
  for (int p = 0; p < 512; ++p) parent[std::size_t(p)] = p;
  auto find = [&](int p) {
    while (parent[std::size_t(p)] != p) p = parent[std::size_t(p)];
    return p;
  };
  auto join = [&](int a, int b) { parent[std::size_t(find(a))] = find(b); };
  for (int p = 0; p < 512; ++p) {
    for (groups::Symmetry g : group.elements()) join(p, groups::apply(g, ca::Pattern(p)));
    for (int k = 0; k < 9; ++k)
      if ((mask >> k) & 1) join(p, p ^ (1 << k));
  }
  std::vector<int> out(512);
  for (int p = 0; p < 512; ++p) out[std::size_t(p)] = find(p);
  return out;
}
}  // namespace

TEST_CASE("classes with ignored cells: hand-worked counts", "[orbits][support]") {
  const Subgroup p1 = Subgroup::parse("p1"), p4m = Subgroup::parse("p4m");
  // von Neumann: 2 centre states × the 6 D4-classes of the 4 orthogonal neighbours (none, one,
  // two adjacent, two opposite, three, four).
  REQUIRE(Orbits(p4m, groups::kVonNeumannCorners).count() == 12);
  REQUIRE(Orbits(p1, groups::kVonNeumannCorners).count() == 32);  // 2^5 cells that matter
  // Without the centre, p4m: the 51 Hensel classes of the 8 neighbours.
  REQUIRE(Orbits(p4m, groups::kCentre).count() == 51);
  REQUIRE(Orbits(p1, groups::kCentre).count() == 256);
  REQUIRE(Orbits(p4m, groups::kVonNeumannCorners | groups::kCentre).count() == 6);
  REQUIRE(Orbits(Subgroup::parse("p4"), groups::kVonNeumannCorners).count() == 12);
  REQUIRE(Orbits(Subgroup::parse("pm-v"), groups::kVonNeumannCorners).count() == 2 * 12);
  REQUIRE(Orbits(p4m, groups::kAllCells).count() == 1);
  REQUIRE(Orbits(p4m).ignored() == 0);
  REQUIRE(Orbits(p4m).count() == 102);
  REQUIRE(Orbits(p4m, groups::kVonNeumannCorners).ignored() == groups::kVonNeumannCorners);
}

TEST_CASE("classes with ignored cells match a brute-force closure", "[orbits][support]") {
  // Including masks that are not G-invariant: NW alone under p4 also ignores NE, SE, SW.
  const groups::CellMask masks[] = {0,
                                    groups::kCentre,
                                    groups::kVonNeumannCorners,
                                    groups::CellMask(1u << ca::NW),
                                    groups::CellMask((1u << ca::N) | (1u << ca::C)),
                                    groups::CellMask((1u << ca::E) | (1u << ca::SW))};
  for (const Subgroup& g : Subgroup::all())
    for (groups::CellMask m : masks) {
      INFO(g.name() << " mask " << m);
      const Orbits o(g, m);
      const auto ref = brute_force_classes(g, m);
      for (int a = 0; a < 512; ++a) {
        for (int b = a + 1; b < 512; b += 7)
          REQUIRE((o.orbit_of(ca::Pattern(a)) == o.orbit_of(ca::Pattern(b))) ==
                  (ref[std::size_t(a)] == ref[std::size_t(b)]));
        for (ca::Pattern q : o.members(o.orbit_of(ca::Pattern(a))))
          REQUIRE(ref[q] == ref[std::size_t(a)]);
      }
      std::set<int> ref_classes(ref.begin(), ref.end());
      REQUIRE(o.count() == int(ref_classes.size()));
      REQUIRE(o.ignored() == groups::invariant_closure(g, m));
      REQUIRE((o.ignored() & m) == m);
    }
  REQUIRE(groups::invariant_closure(Subgroup::parse("p4"), groups::CellMask(1u << ca::NW)) ==
          groups::kVonNeumannCorners);
  REQUIRE(groups::invariant_closure(Subgroup::parse("pm-v"), groups::CellMask(1u << ca::NW)) ==
          groups::CellMask((1u << ca::NW) | (1u << ca::NE)));
  REQUIRE(groups::invariant_closure(Subgroup::parse("p1"), groups::CellMask(1u << ca::NW)) ==
          groups::CellMask(1u << ca::NW));
}

TEST_CASE("supports by name", "[orbits][support]") {
  REQUIRE(groups::support_name(0) == "Moore");
  REQUIRE(groups::support_name(groups::kVonNeumannCorners) == "von Neumann");
  REQUIRE(groups::support_name(groups::kCentre) == "Moore without centre");
  REQUIRE(groups::support_name(groups::kVonNeumannCorners | groups::kCentre) ==
          "von Neumann without centre");
  REQUIRE(groups::support_name(groups::CellMask((1u << ca::NW) | (1u << ca::C))) ==
          "Moore without NW, C");
  REQUIRE(groups::support_name(groups::CellMask(1u << ca::SE)) == "Moore without SE");
}

TEST_CASE("expand and per_orbit on classes with ignored cells", "[orbits][support]") {
  const Orbits vn(Subgroup::parse("p4m"), groups::kVonNeumannCorners);
  // B1/S13 on the von Neumann neighbourhood: 12 values, and back to the same 512 entries.
  const ca::RuleTable rule = ca::von_neumann_rule(0b00010, 0b01010);
  const auto values = groups::per_orbit(vn, rule);
  REQUIRE(values.size() == 12);
  for (const auto& v : values) REQUIRE(v.has_value());
  REQUIRE(groups::expand(vn, values) == rule);
  // Life reads its corners: not a function of the von Neumann classes.
  REQUIRE_THROWS_WITH(groups::per_orbit(vn, ca::parse_rule("B3/S23")),
                      Catch::Contains("not p4m-invariant on the von Neumann neighbourhood"));
  // A random rule on the classes ignores their cells.
  const Orbits no_centre(Subgroup::parse("p4"), groups::kCentre);
  const ca::RuleTable r = groups::random_invariant_rule(Subgroup::parse("p4"), 9, groups::kCentre);
  REQUIRE(r.known_count() == 512);
  for (int p = 0; p < 512; ++p)
    REQUIRE(r.output(ca::Pattern(p)) == r.output(ca::Pattern(p ^ (1 << ca::C))));
  REQUIRE(groups::expand(no_centre, groups::per_orbit(no_centre, r)) == r);
  // Without a mask, the same tables as before the mask existed.
  REQUIRE(groups::random_invariant_rule(Subgroup::parse("p4"), 9) ==
          groups::random_invariant_rule(Subgroup::parse("p4"), 9, 0));
}
