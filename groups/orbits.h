#pragma once
// The partition of the 512 patterns into orbits under a subgroup G of D4, and moving rule tables
// between "one entry per orbit" and "all 512 entries".
#include <cstdint>
#include <optional>
#include <vector>

#include "ca/rule_table.h"
#include "groups/subgroup.h"

namespace carl::groups {

class Orbits {
 public:
  explicit Orbits(Subgroup group);

  Subgroup group() const { return group_; }
  int count() const { return static_cast<int>(members_.size()); }
  // Orbit ids run 0 … count()-1 in increasing order of their representatives.
  int orbit_of(ca::Pattern p) const { return orbit_of_[p]; }
  ca::Pattern representative(int orbit) const {
    return members_[static_cast<std::size_t>(orbit)][0];
  }
  const std::vector<ca::Pattern>& members(int orbit) const {  // ascending; [0] = representative
    return members_[static_cast<std::size_t>(orbit)];
  }

 private:
  Subgroup group_;
  std::vector<int> orbit_of_;
  std::vector<std::vector<ca::Pattern>> members_;
};

// All 512 entries from one value per orbit (nullopt: the whole orbit stays unknown).
ca::RuleTable expand(const Orbits& orbits, const std::vector<std::optional<bool>>& per_orbit);
// One value per orbit: the output its known members share, nullopt if none is known. Throws
// InputError if an orbit's known members disagree (the table is not G-invariant).
std::vector<std::optional<bool>> per_orbit(const Orbits& orbits, const ca::RuleTable& table);

// A random G-invariant table: one fair bit per orbit, drawn from `seed`.
ca::RuleTable random_invariant_rule(Subgroup group, std::uint64_t seed);

// p4m orbits are the Hensel classes with a centre state: 2 × 51 = 102.
struct HenselOrbit {
  bool centre;
  int hensel_class;  // ca::hensel_class id
};
HenselOrbit hensel_of_p4m_orbit(int orbit);
int p4m_orbit_of_hensel(bool centre, int hensel_class);

}  // namespace carl::groups
