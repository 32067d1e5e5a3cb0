#include <catch2/catch.hpp>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "groups/orbits.h"
#include "learner/symmetry.h"

using namespace carl;
using learner::detect_symmetry;

namespace {
// p4 but not p4m: born on an edge neighbour plus the corner clockwise after it.
ca::RuleTable chiral() {
  const unsigned cw[] = {(1u << ca::N) | (1u << ca::NE), (1u << ca::E) | (1u << ca::SE),
                         (1u << ca::S) | (1u << ca::SW), (1u << ca::W) | (1u << ca::NW)};
  return ca::RuleTable::from_function([&](ca::Pattern p) {
    const int n = ca::pattern_neighbours(p);
    if (ca::pattern_centre(p)) return n == 2 || n == 3;
    for (unsigned c : cw)
      if ((p & 0x1EFu) == c) return true;
    return n == 3;
  });
}

ca::RuleTable random_invariant(const char* group, std::uint64_t seed) {
  return groups::random_invariant_rule(groups::Subgroup::parse(group), seed);
}

ca::PatternCounts data_of(const ca::RuleTable& rule, int side, int steps) {
  return ca::count_patterns(ca::simulate(rule, ca::random_soup(side, side, 0.4, 1), steps));
}
}  // namespace

TEST_CASE("the data method finds each rule's group and claims nothing more", "[symmetry]") {
  const std::pair<ca::RuleTable, const char*> cases[] = {
      {ca::parse_rule("B3/S23"), "p4m"},
      {chiral(), "p4"},
      {random_invariant("pm-v", 3), "pm-v"},
      {random_invariant("cmm", 4), "cmm"},
      {ca::random_rule(5), "p1"},
  };
  for (const auto& [rule, want] : cases) {
    INFO(want);
    const auto v = detect_symmetry("data", data_of(rule, 64, 16), nullptr);
    REQUIRE(v.group.name() == want);
    REQUIRE(v.passes[0]);
    for (groups::Symmetry g : groups::kD4) REQUIRE(v.passes[std::size_t(g)] == v.group.contains(g));
  }
}

TEST_CASE("without evidence no symmetry is claimed", "[symmetry]") {
  ca::PatternCounts none;
  REQUIRE(detect_symmetry("data", none, nullptr).group.name() == "p1");
}

TEST_CASE("fixed groups and unknown methods", "[symmetry]") {
  const auto v = detect_symmetry("fixed:cm-d", {}, nullptr);
  REQUIRE(v.group.name() == "cm-d");
  REQUIRE_THROWS_WITH(detect_symmetry("fixed:p3", {}, nullptr), Catch::Contains("'p3'"));
  REQUIRE_THROWS_WITH(detect_symmetry("vibes", {}, nullptr), Catch::Contains("unknown symmetry"));
  REQUIRE_THROWS_WITH(detect_symmetry("function", {}, nullptr), Catch::Contains("needs a trained"));
  REQUIRE(learner::largest_passing_subgroup({true, true, true, true, false, false, false, false})
              .name() == "p4");
}

TEST_CASE("the function and kernel methods on trained plain nets", "[symmetry]") {
  const std::pair<ca::RuleTable, const char*> cases[] = {
      {ca::parse_rule("B36/S23"), "p4m"}, {chiral(), "p4"}, {ca::random_rule(8), "p1"}};
  for (const auto& [rule, want] : cases) {
    INFO(want);
    const ca::PatternCounts counts = data_of(rule, 64, 16);
    learner::NetConfig nc;
    learner::Net net(nc, groups::Subgroup(), 1);
    learner::TrainConfig tc;
    tc.max_steps = 3000;
    REQUIRE(net.train(counts, tc).converged);
    const auto f = detect_symmetry("function", counts, &net);
    REQUIRE(f.group.name() == want);
    // Kernel inspection is weaker: it must never claim more than the rule has.
    const auto k = detect_symmetry("kernels", counts, &net);
    REQUIRE(groups::Subgroup::parse(want).contains(k.group));
    REQUIRE_FALSE(k.summary().empty());
  }
}
