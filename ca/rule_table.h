#pragma once
// A (possibly partial) 3×3 rule: 512 output bits indexed by Pattern, and a known-mask saying
// which entries are defined. A complete table has all 512 entries known.
#include <bitset>
#include <cstddef>
#include <functional>
#include <vector>

#include "ca/error.h"
#include "ca/pattern.h"

namespace carl::ca {

class RuleTable {
 public:
  // An empty table: no entry known.
  RuleTable() = default;
  // A complete table whose output for pattern p is rule(p).
  template <class Fn>
  static RuleTable from_function(Fn&& rule) {
    RuleTable t;
    for (int p = 0; p < kPatternCount; ++p)
      t.set(static_cast<Pattern>(p), rule(static_cast<Pattern>(p)));
    return t;
  }

  bool output(Pattern p) const { return outputs_[p]; }  // false where unknown
  bool known(Pattern p) const { return known_[p]; }
  // Both check the index (an InternalError beyond 511: a caller that reads patterns from a file
  // checks them first).
  void set(Pattern p, bool out) {
    CARL_CHECK(p < kPatternCount, "pattern {} is outside [0, 511]", p);
    known_[p] = true;
    outputs_[p] = out;
  }
  void forget(Pattern p) {
    CARL_CHECK(p < kPatternCount, "pattern {} is outside [0, 511]", p);
    known_[p] = false;
    outputs_[p] = false;
  }

  std::size_t known_count() const { return known_.count(); }
  bool complete() const { return known_.all(); }

  const std::bitset<kPatternCount>& outputs() const { return outputs_; }
  const std::bitset<kPatternCount>& known_mask() const { return known_; }

  friend bool operator==(const RuleTable& a, const RuleTable& b) {
    return a.known_ == b.known_ && a.outputs_ == b.outputs_;
  }
  friend bool operator!=(const RuleTable& a, const RuleTable& b) { return !(a == b); }

 private:
  std::bitset<kPatternCount> outputs_;  // invariant: zero where !known_
  std::bitset<kPatternCount> known_;
};

// Where a learned table departs from the true, complete one: entries it knows with the other
// output, and entries it does not know. The one comparison of a learned rule with the hidden one
// (scores, reports, the zoo).
struct TableComparison {
  std::vector<Pattern> wrong;
  std::vector<Pattern> unknown;
  bool exact() const { return wrong.empty() && unknown.empty(); }
};
inline TableComparison compare(const RuleTable& learned, const RuleTable& truth) {
  TableComparison c;
  for (int i = 0; i < kPatternCount; ++i) {
    const auto p = static_cast<Pattern>(i);
    if (!learned.known(p))
      c.unknown.push_back(p);
    else if (learned.output(p) != truth.output(p))
      c.wrong.push_back(p);
  }
  return c;
}

}  // namespace carl::ca

template <>
struct std::hash<carl::ca::RuleTable> {
  std::size_t operator()(const carl::ca::RuleTable& t) const noexcept {
    const std::size_t a = std::hash<std::bitset<carl::ca::kPatternCount>>()(t.outputs());
    const std::size_t b = std::hash<std::bitset<carl::ca::kPatternCount>>()(t.known_mask());
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
};
