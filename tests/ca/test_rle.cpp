#include <algorithm>
#include <catch2/catch.hpp>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/random_rules.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "support.h"

using namespace carl::ca;

namespace {

Grid glider_on(int height, int width, int row, int col) {
  Grid g(height, width);
  for (auto [r, c] : {std::pair{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}})
    g.set(row + r, col + c, true);
  return g;
}

std::string message(const std::string& text) {
  try {
    read_pattern(text, "bad.rle");
  } catch (const carl::InputError& e) {
    return std::string(e.what());
  }
  return std::string("no error");
}

// What Golly's GUI writes when it saves a pattern on a bounded grid: the bounding box, its
// position in Golly's coordinates (cell 0,0 at the torus's centre) and the rule with its torus.
std::string golly_style(const Grid& g, const std::string& rule) {
  const Grid box = carl::test::bounding_box(g);
  int top = 0, left = g.width();
  for (int r = g.height() - 1; r >= 0; --r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c)) {
        top = r;
        left = std::min(left, c);
      }
  std::string body = write_rle(box, rule + fmt::format(":T{},{}", g.width(), g.height()));
  return fmt::format("#CXRLE Pos={},{} Gen=0\n", left - g.width() / 2, top - g.height() / 2) + body;
}

}  // namespace

TEST_CASE("RLE of a glider, by hand", "[rle]") {
  const Grid g = glider_on(3, 3, 0, 0);
  REQUIRE(write_rle(g, "B3/S23") == "x = 3, y = 3, rule = B3/S23:T3,3\nbo$2bo$3o!\n");
  REQUIRE(write_rle(g) == "x = 3, y = 3\nbo$2bo$3o!\n");
  const RlePattern p =
      read_rle("#N Glider\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!\n", "glider.rle");
  REQUIRE(p.grid == g);
  REQUIRE(p.rule == "B3/S23");
  REQUIRE_FALSE(p.torus());
}

TEST_CASE("RLE round trip keeps size, empty rows and wraps at 70", "[rle]") {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const int h = 1 + static_cast<int>(seed % 13), w = 1 + static_cast<int>((seed * 7) % 150);
    const Grid g = random_soup(h, w, seed % 3 == 0 ? 0.05 : 0.5, seed);
    const std::string text = write_rle(g, "B36/S23", "a comment");
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      REQUIRE(end - start <= 70);
      start = end + 1;
    }
    const RlePattern back = read_rle(text, "roundtrip.rle");
    REQUIRE(back.grid == g);
    REQUIRE(back.rule == "B36/S23:T" + std::to_string(w) + "," + std::to_string(h));
    REQUIRE(back.rule_base == "B36/S23");
    REQUIRE(back.torus_width == w);
    REQUIRE(back.torus_height == h);
  }
}

TEST_CASE("Golly's placement on a bounded grid, worked by hand", "[rle][golly]") {
  // A 10-wide, 8-high torus spans x = -5..4, y = -4..3; Pos=-5,-4 is its top-left cell.
  const RlePattern at_pos = read_rle(
      "#CXRLE Pos=-5,-4 Gen=12\nx = 3, y = 3, rule = B3/S23:T10,8\nbo$2bo$3o!\n", "pos.rle");
  REQUIRE(at_pos.has_pos);
  REQUIRE(at_pos.grid == glider_on(8, 10, 0, 0));
  // Pos=2,1: x = 2 is column 7, y = 1 is row 5.
  REQUIRE(
      read_rle("#CXRLE Pos=2,1\nx = 3, y = 3, rule = B3/S23:T10,8\nbo$2bo$3o!\n", "p.rle").grid ==
      glider_on(8, 10, 5, 7));
  // Without Pos a pattern is centred: its top-left at (-(3/2), -(3/2)) = (-1,-1): column 4, row 3.
  REQUIRE(read_rle("x = 3, y = 3, rule = B3/S23:T10,8\nbo$2bo$3o!\n", "c.rle").grid ==
          glider_on(8, 10, 3, 4));
  // Odd sizes: a 9×7 torus spans x = -4..4, y = -3..3.
  REQUIRE(
      read_rle("#CXRLE Pos=-4,-3\nx = 3, y = 3, rule = B3/S23:T9,7\nbo$2bo$3o!", "o.rle").grid ==
      glider_on(7, 9, 0, 0));
  // ":T10" alone is a 10×10 torus.
  REQUIRE(read_rle("x = 3, y = 3, rule = B3/S23:T10\nbo$2bo$3o!\n", "s.rle").grid.height() == 10);
}

TEST_CASE("what Golly writes is accepted", "[rle][golly]") {
  // No closing '!'.
  REQUIRE(read_rle("x = 3, y = 3, rule = B3/S23\nbo$2bo$3o\n", "n.rle").grid ==
          glider_on(3, 3, 0, 0));
  // Data wider and taller than the header: the pattern grows to hold it.
  const RlePattern wide = read_rle("x = 2, y = 1\n4o$$bo!\n", "w.rle");
  REQUIRE(wide.grid.width() == 4);
  REQUIRE(wide.grid.height() == 3);
  REQUIRE(wide.grid.population() == 5);
  REQUIRE(wide.grid.at(2, 1));
  // Plain text .cells.
  const RlePattern cells = read_pattern("!Name: Glider\n!\n.O.\n..O\nOOO\n", "glider.cells");
  REQUIRE(cells.grid == glider_on(3, 3, 0, 0));
  REQUIRE(read_pattern(".O\n*.\n", "x.cells").grid.population() == 2);
  // A frame without '!' followed by another frame.
  const Trajectory t = trajectory_from_rle("x = 2, y = 1\no\nx = 2, y = 1\nbo!\n", "t.rle");
  REQUIRE(t.frames.size() == 2);
  REQUIRE(t.frames[1].at(0, 1));
}

TEST_CASE("RLE errors name the file and the line", "[rle]") {
  CHECK_THAT(message("#C x\nx = 3, y = 3\nbo$2bo$3q!\n"),
             Catch::Contains("bad.rle:3") && Catch::Contains("'q'"));
  CHECK_THAT(message("x = 3, y = 2, rule = B3/S23:T3,2\n4o!\n"),
             Catch::Contains("bad.rle") && Catch::Contains("outside the 3x2 torus"));
  CHECK_THAT(message("hello\n"), Catch::Contains("bad.rle:1") && Catch::Contains("header"));
  CHECK_THAT(message("x = three, y = 3\no!"), Catch::Contains("not a size"));
  CHECK_THAT(message(""), Catch::Contains("no RLE header"));
  CHECK_THAT(message("#C\nx = 3, y = 3, rule = NOTARULE\no!\n"),
             Catch::Contains("bad.rle:2") && Catch::Contains("NOTARULE") &&
                 Catch::Contains("not one carl reads"));
  CHECK_THAT(message("x = 3, y = 3, rule = B3/S23:P10,10\no!\n"),
             Catch::Contains("bad.rle:1") && Catch::Contains(":P10,10") &&
                 Catch::Contains("not supported"));
  CHECK_THAT(message("x = 3, y = 3, rule = B3/S23:K10,10\no!\n"), Catch::Contains("Klein bottle"));
  CHECK_THAT(message("x = 3, y = 3, rule = B3/S23:T10+2,10\no!\n"), Catch::Contains("shifted"));
  CHECK_THAT(message("x = 3, y = 3, rule = B3/S23:T0,10\no!\n"), Catch::Contains("unbounded"));
  CHECK_THAT(message("#CXRLE Pos=a,b\nx = 3, y = 3\no!\n"), Catch::Contains("Pos=X,Y"));
  CHECK_THAT(message("x = 3, y = 3\n.Q\n"), Catch::Contains("'Q'"));
  CHECK_THAT(message("!c\n.Q\n"), Catch::Contains("bad.rle:2") && Catch::Contains(".cells"));
  // A size given twice: which one counts would be a guess.
  CHECK_THAT(message("x = 3, y = 3, x = 5\no!\n"),
             Catch::Contains("bad.rle:1") && Catch::Contains("header field x given twice"));
  // Bytes outside ASCII are shown as \xNN, not sent to the terminal (0x9b: the 8-bit CSI).
  const std::string high = message("x = 3, y = 3, rule = B3\x9b[2J/S23\nb\x9b!\n");
  CHECK_THAT(high, Catch::Contains("B3\\x9b[2J/S23"));
  CHECK(std::none_of(high.begin(), high.end(), [](char c) { return (unsigned char)c >= 0x7f; }));
  CHECK_THAT(message("x = 3, y = 3\nb\xc2\x9b!\n"), Catch::Contains("'\\xc2'"));
}

TEST_CASE("sizes beyond the documented limit are refused before allocating", "[rle][limits]") {
  // 10^6 × 10^6 would be 10^12 bytes; the limit is checked on the header.
  CHECK_THAT(message("x = 1000000, y = 1000000\no!\n"),
             Catch::Contains("bad.rle:1") && Catch::Contains("too large"));
  CHECK_THAT(message("x = 10000, y = 10000\no!\n"), Catch::Contains("too large"));
  CHECK_THAT(message("x = 3, y = 3, rule = B3/S23:T100000,100000\no!\n"),
             Catch::Contains("torus") && Catch::Contains("too large"));
  CHECK_THAT(message("x = 99999999999999999999, y = 3\no!\n"), Catch::Contains("not a size"));
  CHECK_THAT(message("x = 1, y = 1\n67108864b99999o!\n"), Catch::Contains("limit"));
  // At the limit itself: accepted.
  REQUIRE(read_rle("x = 8192, y = 8192\no!\n", "big.rle").grid.size() == kMaxPatternCells);
}

TEST_CASE("every RLE carl writes evolves in bgolly as on carl's torus", "[rle][bgolly]") {
  carl::test::TempDir dir;
  const std::string rules[] = {"B3/S23", "B36/S23", "B2-a/S12",
                               emit_rule(random_rule(7, /*no_b0=*/true))};
  std::uint64_t seed = 1;
  for (const std::string& rule : rules)
    for (auto [h, w] : {std::pair{20, 33}, {31, 18}}) {
      const Grid soup = random_soup(h, w, 0.4, seed++);
      const std::string path = dir.path() + "/soup.rle";
      write_text_file(path, write_rle(soup, rule));
      const Grid theirs = carl::test::bgolly_torus(path, 9, h, w);
      INFO(rule << " on " << w << "x" << h);
      REQUIRE(theirs == Stepper(parse_rule(rule)).evolve(soup, 9));
      // And a trajectory written by carl: each frame's file evolves to the next frame.
      const Trajectory t = Stepper(parse_rule(rule)).trajectory(soup, 3);
      const Trajectory back = trajectory_from_rle(trajectory_to_rle(t, rule), "t.rle");
      REQUIRE(back == t);
    }
}

TEST_CASE("Golly-written files read back to the same cells", "[rle][bgolly]") {
  carl::test::TempDir dir;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const int h = 9 + static_cast<int>(seed) * 3, w = 30 - static_cast<int>(seed) * 2;
    Grid g(h, w);
    // A sparse pattern away from the centre, so its position matters.
    const Grid blob = random_soup(5, 6, 0.5, seed);
    for (int r = 0; r < 5; ++r)
      for (int c = 0; c < 6; ++c)
        if (blob.at(r, c)) g.set(h - 6 + r, static_cast<int>(seed) + c, true);
    const std::string text = golly_style(g, "B3/S23");
    REQUIRE(read_rle(text, "golly.rle").grid == g);
    // bgolly agrees where the cells are: the identity rule B/S012345678 for one generation.
    const std::string path = dir.path() + "/g.rle";
    write_text_file(path, golly_style(g, "B/S012345678"));
    REQUIRE(carl::test::bgolly_torus(path, 1, h, w) == g);
    // bgolly's own RLE output (bounding box, torus suffix, no position) reads back as a pattern
    // of the same cells up to translation.
    REQUIRE(carl::test::bgolly_evolve("B3/S23", g, 0) == carl::test::bounding_box(g));
  }
}

TEST_CASE("trajectories round-trip through multi-frame RLE", "[rle][trajectory]") {
  const Trajectory t = simulate(parse_rule("B36/S23"), random_soup(12, 17, 0.4, 9), 5);
  const std::string text = trajectory_to_rle(t, "B36/S23");
  REQUIRE(text.find("rule = B36/S23:T17,12\n") != std::string::npos);
  REQUIRE(trajectory_from_rle(text, "t.rle") == t);
  // Stored trajectories without a rule (as the trajectory store writes them) still read.
  REQUIRE(trajectory_from_rle(trajectory_to_rle(t), "t.rle") == t);
  REQUIRE_THROWS_WITH(trajectory_from_rle(text + "x = 2, y = 2\no!\n", "t.rle"),
                      Catch::Contains("t.rle:") && Catch::Contains("frame 6"));
  // Comments after the last '!' open no frame: Golly ignores what follows a '!' (a campaign's
  // recording with a closing #C line had been refused as "no RLE header").
  REQUIRE(trajectory_from_rle(text + "#C recorded by hand\n\n# end\n", "t.rle") == t);
  // A frame after them is still a frame.
  REQUIRE_THROWS_WITH(trajectory_from_rle(text + "#C next\nx = 2, y = 2\no!\n", "t.rle"),
                      Catch::Contains("frame 6"));
}

TEST_CASE("a trajectory's frames are refused once they pass its cell budget",
          "[rle][trajectory][limits]") {
  // Each frame is read, counted and refused in turn: the one that passes the budget is named by
  // its line, before any later frame is read (were they all, these 21 KiB would take 1 GiB).
  std::string text;
  for (int f = 0; f < 1000; ++f) text += "x = 1024, y = 1024\n!\n";
  REQUIRE_THROWS_WITH(trajectory_from_rle(text, "t.rle", 2 << 20),
                      "t.rle:5: frame 2 of 1024x1024 takes the trajectory over the 2097152 cells "
                      "carl reads in one (the memory limit, CARL_MEMORY_LIMIT)");
  REQUIRE(
      trajectory_from_rle("x = 10, y = 10\no!\nx = 10, y = 10\n!\n", "t.rle", 200).frames.size() ==
      2);
}

TEST_CASE("a rollout score counts wrong cells against the frame's centre", "[trajectory]") {
  Grid want(4, 4);
  want.set(0, 0, true);  // outside the centre: not compared with a 2x2 prediction
  want.set(1, 1, true);
  want.set(2, 2, true);
  RolloutScore s;
  Grid got(4, 4);
  got.set(1, 1, true);
  s.add(got, want);  // (0, 0) and (2, 2) missing: 2 of 16 cells wrong
  REQUIRE(s.per_step == std::vector<double>{2.0 / 16});
  Grid centre(2, 2);
  centre.set(0, 0, true);
  centre.set(1, 1, true);
  Grid undetermined(2, 2);
  undetermined.set(0, 1, true);
  s.add(centre, want, &undetermined);  // right everywhere but the undetermined cell
  REQUIRE(s.per_step.back() == 1.0 / 4);
  REQUIRE(s.wrong_cells == 3);
  REQUIRE(s.cells == 20);
  REQUIRE(s.loss == 3.0 / 20);
  REQUIRE_THROWS_AS(s.add(Grid(3, 4), want), carl::InternalError);
  const std::vector<Trajectory> data(2);
  REQUIRE(pooled_loss(data, [&](const Trajectory&) { return s; }) == 3.0 / 20);
}
