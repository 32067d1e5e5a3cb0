#pragma once
// The 10 subgroups of D4, by wallpaper-group name (DESIGN.md): p1, p2, p4, pm-v, pm-h, cm-d,
// cm-a, pmm, cmm, p4m.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "groups/d4.h"

namespace carl::groups {

class Subgroup {
 public:
  Subgroup() = default;  // p1

  static Subgroup parse(std::string_view name);  // InputError naming the valid names
  static const std::vector<Subgroup>& all();     // the 10, in order of size, then name order

  const std::string& name() const;
  std::vector<Symmetry> elements() const;  // identity first
  std::vector<Symmetry> generators() const;
  int order() const { return __builtin_popcount(mask_); }
  bool contains(Symmetry g) const { return (mask_ >> static_cast<int>(g)) & 1; }
  bool contains(const Subgroup& other) const { return (other.mask_ & ~mask_) == 0; }
  std::uint8_t mask() const { return mask_; }  // bit g set for each element g

  friend bool operator==(Subgroup a, Subgroup b) { return a.mask_ == b.mask_; }
  friend bool operator!=(Subgroup a, Subgroup b) { return a.mask_ != b.mask_; }

 private:
  explicit Subgroup(std::uint8_t mask) : mask_(mask) {}
  std::uint8_t mask_ = 1;
};

}  // namespace carl::groups
