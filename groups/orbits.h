#pragma once
// The partition of the 512 patterns into orbits under a subgroup G of D4, and moving rule tables
// between "one entry per orbit" and "all 512 entries".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/rule_table.h"
#include "groups/subgroup.h"

namespace carl::groups {

// A set of cells of the 3×3 neighbourhood: bit k is bit k of the pattern index (MAP order: bit 8
// NW … bit 4 C … bit 0 SE, ca::PatternBit). Used for the cells a rule ignores (its support is the
// rest).
using CellMask = std::uint16_t;
inline constexpr CellMask kCentre = CellMask(1u << ca::C);
inline constexpr CellMask kVonNeumannCorners =
    CellMask((1u << ca::NW) | (1u << ca::NE) | (1u << ca::SW) | (1u << ca::SE));
inline constexpr CellMask kAllCells = 0x1FF;

// The smallest G-invariant mask containing `mask`: every cell g·k for k in the mask, g in G.
CellMask invariant_closure(Subgroup group, CellMask mask);
// (A cell mask is moved by g like a pattern: apply(g, ca::Pattern(mask)).)

// "Moore" (nothing ignored), "von Neumann" (the four corners), "Moore without centre",
// "von Neumann without centre"; any other mask: "Moore without NW, C" (the ignored cells by
// compass name, in MAP order).
std::string support_name(CellMask ignored);

// The classes of patterns that a G-invariant rule ignoring `ignored` cannot tell apart: the
// closure of each pattern under G and under flipping any ignored cell. Without ignored cells they
// are the G-orbits. Flipping a cell k and then applying g flips g·k, so the closure really ignores
// every G-image of an ignored cell: a mask that is not G-invariant is replaced by its
// invariant_closure (what ignored() returns).
class Orbits {
 public:
  explicit Orbits(Subgroup group) : Orbits(group, 0) {}
  Orbits(Subgroup group, CellMask ignored);

  Subgroup group() const { return group_; }
  CellMask ignored() const { return ignored_; }  // G-invariant
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
  CellMask ignored_ = 0;
  std::vector<int> orbit_of_;
  std::vector<std::vector<ca::Pattern>> members_;
};

// All 512 entries from one value per orbit (nullopt: the whole orbit stays unknown).
ca::RuleTable expand(const Orbits& orbits, const std::vector<std::optional<bool>>& per_orbit);
// One value per orbit: the output its known members share, nullopt if none is known. Throws
// InputError if an orbit's known members disagree (the table is not G-invariant).
std::vector<std::optional<bool>> per_orbit(const Orbits& orbits, const ca::RuleTable& table);

// A random G-invariant table that ignores `ignored` (and its G-images): one fair bit per class of
// Orbits(group, ignored), drawn from `seed`. With ignored = 0 the same tables as before.
ca::RuleTable random_invariant_rule(Subgroup group, std::uint64_t seed, CellMask ignored = 0);

// The orbits of the whole square group, built once.
const Orbits& p4m_orbits();

// p4m orbits are the Hensel classes with a centre state: 2 × 51 = 102.
struct HenselOrbit {
  bool centre;
  int hensel_class;  // ca::hensel_class id
};
HenselOrbit hensel_of_p4m_orbit(int orbit);
int p4m_orbit_of_hensel(bool centre, int hensel_class);

}  // namespace carl::groups
