#include "groups/subgroup.h"

#include <algorithm>

#include "ca/error.h"

namespace carl::groups {
namespace {

struct Entry {
  const char* name;
  std::vector<Symmetry> generators;
};

// In order of size, then the order DESIGN.md lists them.
const std::vector<Entry>& entries() {
  using S = Symmetry;
  static const std::vector<Entry> e = {
      {"p1", {}},
      {"p2", {S::rot180}},
      {"pm-v", {S::mirror_v}},
      {"pm-h", {S::mirror_h}},
      {"cm-d", {S::mirror_d}},
      {"cm-a", {S::mirror_a}},
      {"p4", {S::rot90}},
      {"pmm", {S::mirror_v, S::mirror_h}},
      {"cmm", {S::mirror_d, S::mirror_a}},
      {"p4m", {S::rot90, S::mirror_v}},
  };
  return e;
}

std::uint8_t closure(const std::vector<Symmetry>& generators) {
  std::uint8_t mask = 1;  // identity
  bool grew = true;
  while (grew) {
    grew = false;
    for (Symmetry g : kD4) {
      if (!((mask >> static_cast<int>(g)) & 1)) continue;
      for (Symmetry h : generators) {
        const int gh = static_cast<int>(compose(g, h));
        if (!((mask >> gh) & 1)) {
          mask = std::uint8_t(mask | (1u << gh));
          grew = true;
        }
      }
    }
  }
  return mask;
}

std::size_t index_of(std::uint8_t mask) {
  const auto& e = entries();
  for (std::size_t i = 0; i < e.size(); ++i)
    if (closure(e[i].generators) == mask) return i;
  throw InternalError(fmt::format("mask {:#x} is not a subgroup of D4", mask));
}

}  // namespace

const std::vector<Subgroup>& Subgroup::all() {
  static const std::vector<Subgroup> groups = [] {
    std::vector<Subgroup> g;
    for (const Entry& e : entries()) g.push_back(Subgroup(closure(e.generators)));
    return g;
  }();
  return groups;
}

Subgroup Subgroup::parse(std::string_view name) {
  const auto& e = entries();
  for (std::size_t i = 0; i < e.size(); ++i)
    if (name == e[i].name) return all()[i];
  std::string names;
  for (const Entry& x : e) names += (names.empty() ? "" : ", ") + std::string(x.name);
  throw InputError(
      fmt::format("'{}' is not a subgroup of D4 (one of: {})", printable(name), names));
}

const std::string& Subgroup::name() const {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Entry& e : entries()) n.push_back(e.name);
    return n;
  }();
  return names[index_of(mask_)];
}

std::vector<Symmetry> Subgroup::elements() const {
  std::vector<Symmetry> out;
  for (Symmetry g : kD4)
    if (contains(g)) out.push_back(g);
  return out;
}

std::vector<Symmetry> Subgroup::generators() const {
  return entries()[index_of(mask_)].generators;
}

}  // namespace carl::groups
