// report/export: Golly rule files run by bgolly's RuleLoader (the oracle), per-frame RLE files
// read by bgolly, GIF frames decoded back.
#include <fmt/format.h>
#include <gif_lib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "ca/files.h"
#include "ca/random_rules.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "groups/orbits.h"
#include "report/export.h"
#include "support.h"

using namespace carl;
using namespace carl::ca;
using carl::report::UnknownEntries;

namespace {

// Evolves `soup` in bgolly with the rule file through RuleLoader, on the soup's torus.
Grid bgolly_rule_loader(const std::string& dir, const std::string& name, const Grid& soup,
                        int generations) {
  const std::string path = dir + "/soup.rle";
  write_text_file(path, write_rle(soup, name));  // rule = NAME:TW,H
  return carl::test::bgolly_torus(path, generations, soup.height(), soup.width(),
                                  fmt::format("-a RuleLoader -s '{}/'", dir));
}

}  // namespace

TEST_CASE("Golly rule files evolve in bgolly as in carl", "[report][golly][bgolly]") {
  struct Case {
    std::string label;
    RuleTable table;
    std::string group;
    std::string symmetries;
  };
  const std::vector<Case> cases = {
      {"life", parse_rule("B3/S23"), "p4m", "rotate4reflect"},
      {"hensel", parse_rule("B2-a3/S12-k"), "p4m", "rotate4reflect"},
      {"p4", groups::random_invariant_rule(groups::Subgroup::parse("p4"), 5), "p4", "rotate4"},
      {"map", random_rule(11, /*no_b0=*/true), "p1", "none"},
      // A learned p4m group whose table is not p4m-invariant falls back to listing every entry.
      {"map-claimed-p4m", random_rule(12, true), "p4m", "none"},
  };
  carl::test::TempDir dir;
  for (const Case& c : cases) {
    RuleTable table = c.table;
    table.set(0, false);  // no B0: Golly's bounded grids and carl's torus agree then
    const std::string name = "carl-" + c.label;
    const report::GollyRule rule = report::golly_rule_file(table, groups::Subgroup::parse(c.group),
                                                           name, UnknownEntries::zero, "test");
    REQUIRE(rule.symmetries == c.symmetries);
    REQUIRE(rule.unknown == 0);
    write_text_file(dir.path() + "/" + name + ".rule", rule.text);
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const Grid soup = random_soup(17 + static_cast<int>(seed), 29, 0.4, seed);
      INFO(c.label << " seed " << seed);
      REQUIRE(bgolly_rule_loader(dir.path(), name, soup, 7) == Stepper(table).evolve(soup, 7));
    }
  }
}

TEST_CASE("unknown entries in a Golly rule file: written as 0 or left out", "[report][golly]") {
  RuleTable table = parse_rule("B3/S23");
  // Forget a p4m orbit: the survival of a cell with 2 neighbours in the '2c' class (corners).
  const groups::Orbits orbits(groups::Subgroup::parse("p4m"));
  const Pattern survivor = Pattern((1u << C) | (1u << NW) | (1u << SE));
  for (Pattern p : orbits.members(orbits.orbit_of(survivor))) table.forget(p);
  const auto p4m = groups::Subgroup::parse("p4m");
  const report::GollyRule zero = report::golly_rule_file(table, p4m, "z", UnknownEntries::zero);
  const report::GollyRule omit = report::golly_rule_file(table, p4m, "o", UnknownEntries::omit);
  REQUIRE(zero.unknown == static_cast<int>(orbits.members(orbits.orbit_of(survivor)).size()));
  REQUIRE(omit.unknown == zero.unknown);
  // Zero: the orbit dies (one more transition, 1 -> 0); omitted: Golly keeps the cell alive.
  REQUIRE(zero.transitions == omit.transitions + 1);
  REQUIRE(zero.text.find("written as 0") != std::string::npos);
  REQUIRE(omit.text.find("left out") != std::string::npos);
  carl::test::TempDir dir;
  write_text_file(dir.path() + "/z.rule", zero.text);
  write_text_file(dir.path() + "/o.rule", omit.text);
  const Grid soup = random_soup(20, 24, 0.4, 3);
  RuleTable as_zero = table, as_life = parse_rule("B3/S23");
  for (int p = 0; p < kPatternCount; ++p)
    if (!table.known(Pattern(p))) as_zero.set(Pattern(p), false);
  REQUIRE(bgolly_rule_loader(dir.path(), "z", soup, 5) == Stepper(as_zero).evolve(soup, 5));
  REQUIRE(bgolly_rule_loader(dir.path(), "o", soup, 5) == Stepper(as_life).evolve(soup, 5));
}

TEST_CASE("per-frame RLE files open in bgolly with the rule and the torus", "[report][bgolly]") {
  carl::test::TempDir dir;
  const RuleTable rule = parse_rule("B36/S23");
  const Trajectory t = Stepper(rule).trajectory(random_soup(21, 34, 0.4, 4), 4);
  const auto paths = report::write_frame_rles(t, "B36/S23", dir.path() + "/frames", "traj-000");
  REQUIRE(paths.size() == 5);
  for (std::size_t k = 0; k + 1 < paths.size(); ++k) {
    REQUIRE(read_rle(read_text_file(paths[k]), paths[k]).grid == t.frames[k]);
    // bgolly evolves frame k one generation into frame k+1: the rule and torus are in the file.
    REQUIRE(carl::test::bgolly_torus(paths[k], 1, 21, 34) == t.frames[k + 1]);
  }
}

TEST_CASE("per-frame RLE files of a window say that only its interior evolves, which is so",
          "[report][bgolly]") {
  // Windows of 16×16 onto a 48×48 torus: in bgolly each frame on its own torus evolves into the
  // next away from the border, and not on it.
  carl::test::TempDir dir;
  const Trajectory world =
      Stepper(parse_rule("B36/S23")).trajectory(random_soup(48, 48, 0.4, 6), 3);
  Trajectory t;
  for (const Grid& frame : world.frames) t.frames.push_back(frame.crop(16, 16, 16, 16));
  const auto paths = report::write_frame_rles(t, "B36/S23", dir.path(), "w", /*window=*/true);
  int border_differs = 0;
  for (std::size_t k = 0; k + 1 < paths.size(); ++k) {
    REQUIRE_THAT(read_text_file(paths[k]), Catch::Contains("a window of a larger torus: only its "
                                                           "interior evolves into the next frame"));
    const Grid next = carl::test::bgolly_torus(paths[k], 1, 16, 16);
    for (int r = 0; r < 16; ++r)
      for (int c = 0; c < 16; ++c) {
        const bool border = r == 0 || c == 0 || r == 15 || c == 15;
        if (!border) REQUIRE(next.at(r, c) == t.frames[k + 1].at(r, c));
        border_differs += border && next.at(r, c) != t.frames[k + 1].at(r, c);
      }
  }
  REQUIRE(border_differs > 0);
  REQUIRE_THAT(read_text_file(report::write_frame_rles(t, "B36/S23", dir.path(), "u")[0]),
               !Catch::Contains("window"));
}

TEST_CASE("GIF frames decode back to the trajectory", "[report][gif]") {
  carl::test::TempDir dir;
  const Trajectory t = Stepper(parse_rule("B3/S23")).trajectory(random_soup(13, 19, 0.4, 8), 6);
  const std::string path = dir.path() + "/t.gif";
  const int scale = 3;
  report::write_gif(path, t, scale, 10);
  // Decoded with giflib itself, every pixel checked.
  int err = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &err);
  REQUIRE(gif != nullptr);
  REQUIRE(DGifSlurp(gif) == GIF_OK);
  REQUIRE(gif->ImageCount == 7);
  REQUIRE(gif->SWidth == 19 * scale);
  REQUIRE(gif->SHeight == 13 * scale);
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& img = gif->SavedImages[i];
    GraphicsControlBlock gcb;
    REQUIRE(DGifSavedExtensionToGCB(gif, i, &gcb) == GIF_OK);
    REQUIRE(gcb.DelayTime == 10);
    for (int y = 0; y < 13 * scale; ++y)
      for (int x = 0; x < 19 * scale; ++x)
        REQUIRE(img.RasterBits[y * 19 * scale + x] ==
                t.frames[static_cast<std::size_t>(i)].at(y / scale, x / scale));
  }
  DGifCloseFile(gif, &err);
  REQUIRE(report::read_gif(path, scale) == t);
}

TEST_CASE(
    "links planted at a GIF, a frame's RLE, a rule file or their temporary files are not "
    "followed",
    "[report][gif][durable]") {
  // A link at the name itself, and one at the name a plain write-and-rename would write first
  // (each victim written before its .tmp neighbour, which writing it would use).
  carl::test::TempDir dir, elsewhere;
  const Trajectory t = Stepper(parse_rule("B3/S23")).trajectory(random_soup(8, 8, 0.4, 3), 2);
  const std::vector<std::string> names = {"t.gif",         "t.gif.tmp", "f-001.rle",
                                          "f-001.rle.tmp", "Life.rule", "Life.rule.tmp"};
  for (const auto& name : names) {
    write_text_file(elsewhere.path() + "/" + name, "not carl's\n");
    REQUIRE(::symlink((elsewhere.path() + "/" + name).c_str(), (dir.path() + "/" + name).c_str()) ==
            0);
  }
  report::write_gif(dir.path() + "/t.gif", t, 2, 10);
  report::write_frame_rles(t, "B3/S23", dir.path(), "f");
  write_text_file(dir.path() + "/Life.rule", "@RULE Life\n");  // as carl export --golly
  for (const auto& name : names) {
    INFO(name);
    REQUIRE(read_text_file(elsewhere.path() + "/" + name) == "not carl's\n");
  }
  for (const char* name : {"t.gif", "f-001.rle", "Life.rule"}) {
    struct stat st {};
    REQUIRE(::lstat((dir.path() + "/" + name).c_str(), &st) == 0);
    REQUIRE(S_ISREG(st.st_mode));
  }
  REQUIRE(report::read_gif(dir.path() + "/t.gif", 2) == t);
  REQUIRE(read_rle(read_text_file(dir.path() + "/f-001.rle"), "f-001").grid == t.frames[1]);
}

TEST_CASE("an output directory that cannot be made is an InputError naming it",
          "[report][durable]") {
  // A regular file where the directory would go: std::filesystem's own exception was reported
  // as an internal error (carl export --rle FILE/frames, --golly FILE/x.rule; carl bench zoo).
  carl::test::TempDir dir;
  const std::string file = dir.path() + "/plain";
  write_text_file(file, "a file\n");
  const Trajectory t = Stepper(parse_rule("B3/S23")).trajectory(random_soup(8, 8, 0.4, 3), 2);
  REQUIRE_THROWS_AS(report::write_frame_rles(t, "B3/S23", file + "/frames", "f"), InputError);
  REQUIRE_THROWS_WITH(report::write_frame_rles(t, "B3/S23", file + "/frames", "f"),
                      file + "/frames: cannot create directory: Not a directory");
}
