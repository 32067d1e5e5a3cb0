#include "groups/orbits.h"

#include <algorithm>

#include "ca/error.h"
#include "ca/hensel.h"
#include "ca/random_rules.h"

namespace carl::groups {

CellMask invariant_closure(Subgroup group, CellMask mask) {
  CellMask out = 0;
  for (Symmetry g : group.elements()) out |= apply(g, ca::Pattern(mask & kAllCells));
  return out;
}

std::string support_name(CellMask ignored) {
  ignored &= kAllCells;
  if (ignored == 0) return "Moore";
  if (ignored == kVonNeumannCorners) return "von Neumann";
  if (ignored == kCentre) return "Moore without centre";
  if (ignored == (kVonNeumannCorners | kCentre)) return "von Neumann without centre";
  std::string s = "Moore without ";
  bool first = true;
  for (int k = 8; k >= 0; --k)
    if ((ignored >> k) & 1) {
      s += first ? "" : ", ";
      s += ca::cell_name(k);
      first = false;
    }
  return s;
}

Orbits::Orbits(Subgroup group, CellMask ignored)
    : group_(group), ignored_(invariant_closure(group, ignored)), orbit_of_(ca::kPatternCount, -1) {
  const std::vector<Symmetry> elements = group.elements();
  // The ignored mask is G-invariant, so g·(p with ignored cells cleared) = (g·p) cleared: a
  // class is every pattern whose cleared version lies in one G-orbit of cleared patterns.
  std::vector<ca::Pattern> flips;  // every subset of the ignored cells
  for (int s = ignored_;; s = (s - 1) & ignored_) {
    flips.push_back(ca::Pattern(s));
    if (s == 0) break;
  }
  for (int p = 0; p < ca::kPatternCount; ++p) {
    if (orbit_of_[static_cast<std::size_t>(p)] >= 0) continue;
    // p is the smallest pattern of a new class, since smaller ones were all assigned.
    std::vector<ca::Pattern> orbit;
    for (Symmetry g : elements)
      for (ca::Pattern f : flips) orbit.push_back(ca::Pattern(apply(g, ca::Pattern(p)) ^ f));
    std::sort(orbit.begin(), orbit.end());
    orbit.erase(std::unique(orbit.begin(), orbit.end()), orbit.end());
    for (ca::Pattern q : orbit) orbit_of_[q] = static_cast<int>(members_.size());
    members_.push_back(std::move(orbit));
  }
}

ca::RuleTable expand(const Orbits& orbits, const std::vector<std::optional<bool>>& values) {
  if (static_cast<int>(values.size()) != orbits.count())
    throw InputError(fmt::format("{} orbit values given for the {} orbits of {}", values.size(),
                                 orbits.count(), orbits.group().name()));
  ca::RuleTable t;
  for (int o = 0; o < orbits.count(); ++o)
    if (values[static_cast<std::size_t>(o)])
      for (ca::Pattern p : orbits.members(o)) t.set(p, *values[static_cast<std::size_t>(o)]);
  return t;
}

std::vector<std::optional<bool>> per_orbit(const Orbits& orbits, const ca::RuleTable& table) {
  std::vector<std::optional<bool>> out(static_cast<std::size_t>(orbits.count()));
  for (int o = 0; o < orbits.count(); ++o) {
    auto& v = out[static_cast<std::size_t>(o)];
    for (ca::Pattern p : orbits.members(o)) {
      if (!table.known(p)) continue;
      if (v && *v != table.output(p))
        throw InputError(fmt::format(
            "the rule table is not {}-invariant{}: patterns {} and {} are "
            "in one orbit with different outputs",
            orbits.group().name(),
            orbits.ignored() ? " on the " + support_name(orbits.ignored()) + " neighbourhood"
                             : std::string(),
            orbits.representative(o), p));
      v = table.output(p);
    }
  }
  return out;
}

ca::RuleTable random_invariant_rule(Subgroup group, std::uint64_t seed, CellMask ignored) {
  const Orbits orbits(group, ignored);
  const ca::RuleTable bits = ca::random_rule(seed);
  std::vector<std::optional<bool>> values;
  for (int o = 0; o < orbits.count(); ++o) values.push_back(bits.output(orbits.representative(o)));
  return expand(orbits, values);
}

const Orbits& p4m_orbits() {
  static const Orbits o(Subgroup::parse("p4m"));
  return o;
}

HenselOrbit hensel_of_p4m_orbit(int orbit) {
  const ca::Pattern rep = p4m_orbits().representative(orbit);
  return {ca::pattern_centre(rep), ca::hensel_class(rep)};
}

int p4m_orbit_of_hensel(bool centre, int hensel_class) {
  ca::Pattern p = ca::hensel_representative(hensel_class);
  if (centre) p = ca::Pattern(p | (1u << ca::C));
  return p4m_orbits().orbit_of(p);
}

}  // namespace carl::groups
