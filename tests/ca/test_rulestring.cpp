#include <catch2/catch.hpp>
#include <random>

#include "ca/error.h"
#include "ca/hensel.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "support.h"

using namespace carl::ca;

namespace {
const char* kLifeMap =
    "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA";

std::string error_of(const std::string& rule) {
  try {
    parse_rule(rule);
  } catch (const carl::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Life by definition, as B/S and as MAP", "[rulestring]") {
  const RuleTable life = RuleTable::from_function([](Pattern p) {
    const int n = pattern_neighbours(p);
    return n == 3 || (pattern_centre(p) && n == 2);
  });
  REQUIRE(parse_rule("B3/S23") == life);
  REQUIRE(parse_rule(kLifeMap) == life);
  REQUIRE(parse_rule(std::string(kLifeMap) + "==") == life);
  REQUIRE(emit_map(life) == kLifeMap);
  REQUIRE(emit_rule(life) == "B3/S23");
  for (const char* spelling :
       {"b3s23", "B3S23", "23/3", "S23/B3", "b3/s23", " B3/S23 ", "B3_S23", "s23b3",
        "map"
        "ARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA"})
    REQUIRE(parse_rule(spelling) == life);
}

TEST_CASE("Golly's canonical Hensel forms (QuickLife help page)", "[rulestring]") {
  const std::pair<const char*, const char*> examples[] = {
      {"B2nic/S", "B2cin/S"},       {"B2ceikn/S", "B2-a/S"},     {"B4-qjrtwz/S", "B4aceikny/S"},
      {"B2aceikn3/S", "B23/S"},     {"B2-3/S", "B23/S"},         {"B2-aceikn3/S", "B3/S"},
      {"B2cekin/S12", "B2-a/S12"},  {"B2-a/S12", "B2-a/S12"},    {"B3/2a34", "B3/S2a34"},
      {"B3/S2-i34q", "B3/S2-i34q"}, {"B2e3ai/S23", "B2e3ai/S23"}};
  for (auto [in, want] : examples) {
    INFO(in);
    REQUIRE(emit_rule(parse_rule(in)) == want);
  }
}

TEST_CASE("Hensel classes: 51 of them, closed under the symmetries", "[rulestring][hensel]") {
  int sizes[kHenselClassCount] = {};
  for (int p = 0; p < 512; ++p) {
    const int id = hensel_class(Pattern(p));
    REQUIRE(id >= 0);
    REQUIRE(id < kHenselClassCount);
    REQUIRE(hensel_class_info(id).count == pattern_neighbours(Pattern(p)));
    if (!pattern_centre(Pattern(p))) ++sizes[id];
  }
  int total = 0;
  for (int s : sizes) {
    REQUIRE((s == 1 || s == 2 || s == 4 || s == 8));
    total += s;
  }
  REQUIRE(total == 256);
  // 2e: two edge neighbours at a right angle (Golly's picture: N and E... any such pair).
  REQUIRE(hensel_class_info(hensel_class(Pattern((1u << N) | (1u << E)))).letter == 'e');
  REQUIRE(hensel_class_info(hensel_class(Pattern((1u << N) | (1u << S)))).letter == 'i');
  REQUIRE(hensel_class_info(hensel_class(Pattern((1u << NW) | (1u << N)))).letter == 'a');
  REQUIRE(hensel_class_info(hensel_class(Pattern((1u << NW) | (1u << SE)))).letter == 'n');
}

TEST_CASE("parse(emit(t)) == t for 10,000 random tables", "[rulestring]") {
  std::mt19937_64 rng(2024);
  int bs = 0, hensel = 0, map = 0;
  for (int i = 0; i < 10000; ++i) {
    const int kind = i % 3;
    const RuleTable t = kind == 0   ? random_rule(rng())
                        : kind == 1 ? random_isotropic_rule(rng())
                                    : random_outer_totalistic_rule(rng());
    const std::string s = emit_rule(t);
    const char first = s[0];
    if (first == 'M')
      ++map;
    else if (s.find_first_of("ceaiknjqrytwz") != std::string::npos)
      ++hensel;
    else
      ++bs;
    REQUIRE(parse_rule(s) == t);
    if (kind == 2) REQUIRE(s == emit_bs(t));
    if (kind == 1) REQUIRE(parse_rule(emit_hensel(t)) == t);
    REQUIRE(parse_rule(emit_map(t)) == t);
  }
  // Each notation was really exercised.
  REQUIRE(map >= 3000);
  REQUIRE(hensel >= 3000);
  REQUIRE(bs >= 3000);
}

TEST_CASE("B/S-only and isotropic-only predicates", "[rulestring]") {
  REQUIRE(is_outer_totalistic(parse_rule("B36/S23")));
  REQUIRE(is_isotropic(parse_rule("B36/S23")));
  REQUIRE_FALSE(is_outer_totalistic(parse_rule("B2-a/S12")));
  REQUIRE(is_isotropic(parse_rule("B2-a/S12")));
  const RuleTable random = carl::ca::random_rule(5);
  REQUIRE_FALSE(is_isotropic(random));
  REQUIRE_THROWS_AS(emit_hensel(random), carl::InputError);
  REQUIRE_THROWS_AS(emit_bs(parse_rule("B2-a/S12")), carl::InputError);
  RuleTable partial = parse_rule("B3/S23");
  partial.forget(0);
  REQUIRE_THROWS_WITH(emit_rule(partial), Catch::Contains("511 of 512"));
}

TEST_CASE("malformed rulestrings say what and where", "[rulestring]") {
  CHECK_THAT(error_of("B3/S29"), Catch::Contains("character 6") && Catch::Contains("9"));
  CHECK_THAT(error_of("B3x/S23"), Catch::Contains("'x'") && Catch::Contains("character 3"));
  CHECK_THAT(error_of("B1a/S"), Catch::Contains("'a' is not a Hensel letter for 1"));
  CHECK_THAT(error_of("B5z/S"), Catch::Contains("'z'") && Catch::Contains("character 3"));
  CHECK_THAT(error_of("B0c/S"), Catch::Contains("takes no letters"));
  CHECK_THAT(error_of("B3/S23/"), Catch::Contains("only one '/'"));
  CHECK_THAT(error_of("BB3/S23"), Catch::Contains("only one 'b'"));
  CHECK_THAT(error_of("323"), Catch::Contains("needs a '/'"));
  CHECK_THAT(error_of(""), Catch::Contains("empty"));
  CHECK_THAT(error_of("B3/S2-a2i"), Catch::Contains("both listed and negated"));
  CHECK_THAT(error_of("B3/S23H"), Catch::Contains("hexagonal"));
  CHECK_THAT(error_of("B2/S013V"), Catch::Contains("von Neumann"));
  // A rule's name is not a rulestring, and is not called hexagonal for its 'h'.
  CHECK_THAT(error_of("HighLife"), Catch::Contains("rule names are not read"));
  CHECK_THAT(error_of("Life"), Catch::Contains("rule names are not read"));
  CHECK_THAT(error_of("W110"), Catch::Contains("Wolfram"));
  CHECK_THAT(error_of("MAPARYX"), Catch::Contains("86 base64 characters"));
  CHECK_THAT(error_of(std::string(kLifeMap).replace(10, 1, "!")),
             Catch::Contains("'!' is not a base64") && Catch::Contains("character 11"));
  CHECK_THAT(error_of("B-3/S"), Catch::Contains("'-' must follow a neighbour count"));
  // One line, whatever the input holds.
  CHECK(error_of("B3\n/S23").find('\n') == std::string::npos);
  CHECK_THAT(error_of("B3\n/S23"), Catch::Contains("\\x0a"));
  // Bytes from outside ASCII too (0x9b is the terminal's 8-bit CSI), in the rule and in the piece.
  CHECK_THAT(error_of("B3\x9b[2J/S23"), Catch::Contains("'B3\\x9b[2J/S23'") &&
                                            Catch::Contains("'\\x9b'") && !Catch::Contains("\x9b"));
  CHECK_THAT(error_of(std::string(kLifeMap).replace(10, 1, "\xc3")), Catch::Contains("'\\xc3'"));
  // A topology is a pattern's, not the rule's: dropped, it would run the rule on another grid.
  CHECK_THAT(error_of("B3/S23:T5,5"),
             Catch::Contains("topology") && Catch::Contains("character 7"));
  CHECK_THAT(error_of("B3/S23:K4,4"), Catch::Contains("topology"));
  CHECK_THAT(error_of(std::string(kLifeMap) + ":T64,64"), Catch::Contains("topology"));
  // A long one is quoted up to 120 bytes; the position says where it went wrong.
  const std::string long_rule = "B3/S23" + std::string(100000, '3') + "x";
  CHECK(error_of(long_rule) == "rulestring '" + long_rule.substr(0, 120) +
                                   "...': unexpected character 'x' at character 100007");
}
