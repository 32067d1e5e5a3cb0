// ca::simulate against Golly's bgolly (QuickLife) on a bounded torus: the independent reference.
#include <catch2/catch.hpp>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "support.h"

using namespace carl::ca;

namespace {

void compare_with_bgolly(const std::string& rule, std::uint64_t seed) {
  const RuleTable table = parse_rule(rule);
  const Grid soup = random_soup(32, 32, 0.5, seed);
  const Grid ours = Stepper(table).evolve(soup, 16);
  const Grid theirs = carl::test::bgolly_evolve(rule, soup, 16);
  INFO("rule " << rule << ", soup seed " << seed << ", population " << ours.population());
  // bgolly writes the bounding box of the live cells; on a 32×32 torus after 16 generations of
  // a dense soup that box almost always spans the grid, so position is checked too.
  REQUIRE(carl::test::bounding_box(ours) == theirs);
}

}  // namespace

TEST_CASE("named Life-like rules match bgolly", "[bgolly][oracle]") {
  const char* rules[] = {
      "B3/S23",         // Life
      "B36/S23",        // HighLife
      "B2/S",           // Seeds
      "B3678/S34678",   // Day & Night
      "B35678/S5678",   // Diamoeba
      "B1357/S1357",    // Replicator
      "B3/S12345",      // Maze
      "B36/S125",       // 2x2
      "B368/S245",      // Morley
      "B4678/S35678",   // Anneal
      "B3/S012345678",  // Life without Death
      "B1/S1",          // Gnarl
      "B3/S45678",      // Coral
      "B34/S34",        // 34 Life
      "B357/S1358",     // Amoeba
      "B345/S4567",     // Assimilation
      "B345/S5",        // LongLife
      "B3678/S235678",  // Stains
      "B45678/S2345",   // Walled Cities
      "B234/S",         // Serviettes
      "B3/S023",        // DotLife
      "B38/S23",        // Pedestrian Life
      "B3/S1234",       // Mazectric
      "B378/S235678",   // Coagulations
      "B5678/S45678",   // Vote
      "B36/S234578",    // Land Rush (approximation)
  };
  std::uint64_t seed = 1;
  for (const char* r : rules) compare_with_bgolly(r, seed++);
}

TEST_CASE("Hensel rules match bgolly", "[bgolly][oracle]") {
  const char* rules[] = {"B2-a/S12",
                         "B3/S2-i34q",
                         "B2e3ai/S23",
                         "B2i34c/S2-i3",
                         "B3-jknr4ity5ijk6i8/S23-a4itz5y",
                         "B2cn3/S23",
                         "B34ceq/S2-k3",
                         "B3aiy4e/S1c2ae3",
                         "B2k3-r/S1e2-ca",
                         "B4w5/S2-e3j",
                         "B3n/S23-k",
                         "B36-c/S23-n4e",
                         "B2c3a/S1e2"};
  std::uint64_t seed = 100;
  for (const char* r : rules) compare_with_bgolly(r, seed++);
}

TEST_CASE("random MAP rules match bgolly", "[bgolly][oracle]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const RuleTable t = carl::ca::random_rule(seed * 7919, /*no_b0=*/true);
    compare_with_bgolly(emit_map(t), seed);
  }
}
