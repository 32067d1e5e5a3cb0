#include <catch2/catch.hpp>
#include <set>

#include "ca/naming.h"
#include "ca/rulestring.h"

using namespace carl::ca;

TEST_CASE("entries named by Hensel class when their whole p4m orbit is listed", "[naming]") {
  REQUIRE(hensel_name(511) == "S8");
  REQUIRE(hensel_name(0) == "B0");
  // HighLife differs from Life in exactly the six classes of B6.
  const RuleTable life = parse_rule("B3/S23"), high = parse_rule("B36/S23");
  std::vector<Pattern> differ;
  for (int p = 0; p < kPatternCount; ++p)
    if (life.output(Pattern(p)) != high.output(Pattern(p))) differ.push_back(Pattern(p));
  REQUIRE(differ.size() == 28);  // C(8,6)
  const auto names = name_entries(differ);
  REQUIRE(std::set<std::string>(names.begin(), names.end()) ==
          std::set<std::string>{"B6a", "B6c", "B6e", "B6i", "B6k", "B6n"});
  // B2-a/S12 against B2/S12: the class 2a, by name.
  std::vector<Pattern> a;
  const RuleTable x = parse_rule("B2-a/S12"), y = parse_rule("B2/S12");
  for (int p = 0; p < kPatternCount; ++p)
    if (x.output(Pattern(p)) != y.output(Pattern(p))) a.push_back(Pattern(p));
  REQUIRE(name_entries(a) == std::vector<std::string>{"B2a"});
}

TEST_CASE("other entries named by their 3x3 picture", "[naming]") {
  // NW and N alive, centre dead: 256 + 128 = 384; one member of the 8 in class 2a.
  REQUIRE(pattern_picture(384) == "p384 ##./.../...");
  REQUIRE(name_entries({384, 511}) == std::vector<std::string>{"p384 ##./.../...", "S8"});
  REQUIRE(join_names({"S8", "p1 .../.../..#"}) == "S8, p1 .../.../..#");
}

TEST_CASE("a partial rule's best guesses with unknown entries as 0 and as 1", "[naming]") {
  RuleTable t = parse_rule("B3/S23");
  t.forget(511);
  const RuleNames n = rule_names(t);
  REQUIRE(n.rulestring == "(partial: 511 of 512 entries known)");
  REQUIRE(n.unknown_as_0 == "B3/S23");
  REQUIRE(n.unknown_as_1 == "B3/S238");
  REQUIRE(n.unknown == "S8");
  const RuleNames full = rule_names(parse_rule("B36/S23"));
  REQUIRE(full.rulestring == "B36/S23");
  REQUIRE(full.unknown_as_0.empty());
}

TEST_CASE("apgsearch's lowercase form", "[naming]") {
  REQUIRE(apgsearch_form("B36/S23") == "b36s23");
  REQUIRE(apgsearch_form("B2-a/S12") == "b2-as12");
  const std::string map = emit_map(parse_rule("B3/S23"));
  REQUIRE(apgsearch_form(map) == map);
}
