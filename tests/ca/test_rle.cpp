#include <catch2/catch.hpp>

#include "ca/error.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "support.h"

using namespace carl::ca;

TEST_CASE("RLE of a glider, by hand", "[rle]") {
  Grid g(3, 3);
  for (auto [r, c] : {std::pair{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}}) g.set(r, c, true);
  REQUIRE(write_rle(g, "B3/S23") == "x = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n");
  const RlePattern p =
      read_rle("#N Glider\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n", "glider.rle");
  REQUIRE(p.grid == g);
  REQUIRE(p.rule == "B3/S23");
}

TEST_CASE("RLE round trip keeps size, empty rows and wraps at 70", "[rle]") {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const int h = 1 + static_cast<int>(seed % 13), w = 1 + static_cast<int>((seed * 7) % 150);
    const Grid g = random_soup(h, w, seed % 3 == 0 ? 0.05 : 0.5, seed);
    const std::string text =
        write_rle(g, "B36/S23:T" + std::to_string(w) + "," + std::to_string(h), "a comment");
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      REQUIRE(end - start <= 70);
      start = end + 1;
    }
    const RlePattern back = read_rle(text, "roundtrip.rle");
    REQUIRE(back.grid == g);
    REQUIRE(back.rule == "B36/S23:T" + std::to_string(w) + "," + std::to_string(h));
  }
}

TEST_CASE("RLE errors name the file and the line", "[rle]") {
  auto message = [](const std::string& text) {
    try {
      read_rle(text, "bad.rle");
    } catch (const carl::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message("#C x\nx = 3, y = 3\nbo$2bo$3q!\n"),
             Catch::Contains("bad.rle:3") && Catch::Contains("'q'"));
  CHECK_THAT(message("x = 3, y = 2\n4o!\n"),
             Catch::Contains("bad.rle:2") && Catch::Contains("outside"));
  CHECK_THAT(message("x = 3, y = 3\nbo$\n2bo\n"), Catch::Contains("without '!'"));
  CHECK_THAT(message("hello\n"), Catch::Contains("bad.rle:1") && Catch::Contains("header"));
  CHECK_THAT(message("x = three, y = 3\no!"), Catch::Contains("not a size"));
  CHECK_THAT(message(""), Catch::Contains("no RLE header"));
}

TEST_CASE("reading files that bgolly wrote", "[rle][bgolly]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Grid g = random_soup(20, 30, 0.3, seed);
    // Zero generations: bgolly reads our file and writes the same cells back in its own style.
    const Grid back = carl::test::bgolly_evolve("B3/S23", g, 0);
    REQUIRE(back == carl::test::bounding_box(g));
  }
}

TEST_CASE("trajectories round-trip through multi-frame RLE", "[rle][trajectory]") {
  const Trajectory t = simulate(parse_rule("B36/S23"), random_soup(12, 17, 0.4, 9), 5);
  const std::string text = trajectory_to_rle(t, "B36/S23");
  REQUIRE(trajectory_from_rle(text, "t.rle") == t);
  REQUIRE_THROWS_WITH(trajectory_from_rle(text + "x = 2, y = 2\no!\n", "t.rle"),
                      Catch::Contains("t.rle:") && Catch::Contains("frame 6"));
}
