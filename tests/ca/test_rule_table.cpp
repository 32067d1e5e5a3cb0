#include <catch2/catch.hpp>
#include <unordered_set>

#include "ca/random_rules.h"
#include "ca/rule_table.h"
#include "support.h"

using carl::ca::Pattern;
using carl::ca::RuleTable;

TEST_CASE("a partial table tracks which entries are known", "[rule_table]") {
  RuleTable t;
  REQUIRE(t.known_count() == 0);
  REQUIRE_FALSE(t.complete());
  t.set(5, true);
  t.set(7, false);
  REQUIRE(t.known_count() == 2);
  REQUIRE(t.known(5));
  REQUIRE(t.output(5));
  REQUIRE(t.known(7));
  REQUIRE_FALSE(t.output(7));
  REQUIRE_FALSE(t.known(6));
  t.forget(5);
  REQUIRE_FALSE(t.known(5));
  REQUIRE_FALSE(t.output(5));
  REQUIRE(t.known_count() == 1);
}

TEST_CASE("equality and hashing distinguish outputs and known-masks", "[rule_table]") {
  const RuleTable a = carl::ca::random_rule(1);
  RuleTable b = a;
  REQUIRE(a == b);
  REQUIRE(a.complete());
  REQUIRE(std::hash<RuleTable>()(a) == std::hash<RuleTable>()(b));
  b.set(100, !a.output(100));
  REQUIRE(a != b);
  RuleTable c = a;
  c.forget(3);
  REQUIRE(a != c);
  std::unordered_set<RuleTable> set;
  for (int s = 0; s < 200; ++s) set.insert(carl::ca::random_rule(static_cast<std::uint64_t>(s)));
  REQUIRE(set.size() == 200);
}

TEST_CASE("from_function fills every entry", "[rule_table]") {
  const RuleTable t = RuleTable::from_function([](Pattern p) { return (p & 1) != 0; });
  REQUIRE(t.complete());
  REQUIRE(t.known_count() == 512);
  for (int p = 0; p < 512; ++p) REQUIRE(t.output(Pattern(p)) == ((p & 1) != 0));
}

TEST_CASE("set and forget check the pattern index", "[rule_table]") {
  RuleTable t;
  for (int bad : {512, 600, 65535, 70000}) {
    INFO(bad);
    REQUIRE_THROWS_AS(t.set(Pattern(bad), true), carl::InternalError);
    REQUIRE_THROWS_AS(t.forget(Pattern(bad)), carl::InternalError);
  }
  REQUIRE(t.known_count() == 0);
  t.set(511, true);
  REQUIRE(t.known(511));
}

TEST_CASE("compare: wrong entries are known ones with the other output, unknown ones apart",
          "[rule_table]") {
  const RuleTable truth = carl::ca::random_rule(7);
  REQUIRE(carl::ca::compare(truth, truth).exact());
  RuleTable learned = truth;
  learned.set(40, !truth.output(40));
  learned.forget(300);
  learned.set(511, !truth.output(511));
  const auto c = carl::ca::compare(learned, truth);
  REQUIRE(c.wrong == std::vector<Pattern>{40, 511});
  REQUIRE(c.unknown == std::vector<Pattern>{300});
  REQUIRE_FALSE(c.exact());
  REQUIRE(carl::ca::compare(RuleTable(), truth).unknown.size() == 512);
}
