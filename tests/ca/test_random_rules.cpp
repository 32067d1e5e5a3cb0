#include <catch2/catch.hpp>
#include <cstdlib>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/random_rules.h"
#include "ca/rle.h"
#include "ca/simulate.h"
#include "support.h"

using namespace carl::ca;

namespace {
constexpr unsigned kCorners = (1u << NW) | (1u << NE) | (1u << SW) | (1u << SE);

// bgolly on a bounded torus with a von Neumann rule ("B1/S1V"); the output's rule line is
// dropped before reading (carl reads only Moore rulestrings), and its bounding box returned.
Grid bgolly_von_neumann(const std::string& rule, const Grid& grid, int generations) {
  carl::test::TempDir dir;
  const std::string in = dir.path() + "/in.rle", out = dir.path() + "/out.rle";
  write_text_file(in, write_rle(grid, rule + ":T" + std::to_string(grid.width()) + "," +
                                          std::to_string(grid.height())));
  const std::string cmd = "'" + carl::test::bgolly_path() + "' -q -q -m " +
                          std::to_string(generations) + " -o '" + out + "' '" + in +
                          "' > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string text = read_text_file(out);
  const std::size_t at = text.find(", rule");
  if (at != std::string::npos) text.erase(at, text.find('\n', at) - at);
  return carl::test::bounding_box(read_rle(text, out).grid);
}
}  // namespace

TEST_CASE("von Neumann rules, hand-worked", "[random_rules][von_neumann]") {
  // B1/S13: born with exactly one orthogonal neighbour, survives with one or three.
  const RuleTable r = von_neumann_rule(0b00010, 0b01010);
  REQUIRE(r.known_count() == 512);
  REQUIRE(r.output(Pattern(1u << N)));                              // dead, N alive: born
  REQUIRE_FALSE(r.output(Pattern(1u << NW)));                       // a corner does not count
  REQUIRE(r.output(Pattern((1u << S) | (1u << NE) | (1u << SW))));  // one orthogonal + corners
  REQUIRE_FALSE(r.output(Pattern((1u << N) | (1u << S))));          // dead, two: stays dead
  REQUIRE_FALSE(r.output(Pattern(1u << C)));                        // alone: dies
  REQUIRE(r.output(Pattern((1u << C) | (1u << E))));                // one neighbour: survives
  REQUIRE(r.output(Pattern((1u << C) | (1u << N) | (1u << W) | (1u << S))));  // three
  REQUIRE_FALSE(r.output(Pattern(0x1FF)));                                    // four: dies
  REQUIRE_THROWS_AS(von_neumann_rule(1u << 5, 0), carl::InputError);
}

TEST_CASE("von Neumann rules match bgolly's V neighbourhood",
          "[random_rules][von_neumann][bgolly]") {
  const std::pair<const char*, std::pair<unsigned, unsigned>> rules[] = {
      {"B1/S1V", {0b00010, 0b00010}},
      {"B13/S012V", {0b01010, 0b00111}},
      {"B2/S24V", {0b00100, 0b10100}},
  };
  std::uint64_t seed = 1;
  for (const auto& [name, bs] : rules) {
    INFO(name);
    const Grid soup = random_soup(32, 32, 0.5, seed++);
    const Grid ours = Stepper(von_neumann_rule(bs.first, bs.second)).evolve(soup, 8);
    REQUIRE(carl::test::bounding_box(ours) == bgolly_von_neumann(name, soup, 8));
  }
}

TEST_CASE("random von Neumann rules ignore the corners", "[random_rules][von_neumann]") {
  int differing = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const RuleTable r = random_von_neumann_rule(seed);
    REQUIRE(r == random_von_neumann_rule(seed));
    differing += !(r == random_von_neumann_rule(seed + 100));
    for (int p = 0; p < kPatternCount; ++p)
      REQUIRE(r.output(Pattern(p)) == r.output(Pattern(p & ~kCorners)));
    REQUIRE_FALSE(random_von_neumann_rule(seed, true).output(0));
  }
  REQUIRE(differing >= 6);
}
