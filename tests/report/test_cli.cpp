// The commands end to end: the README's glider example, carl run's report, carl report and
// carl export on a real run, checked against bgolly.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "ca/files.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "ca/trajectory.h"
#include "report/export.h"
#include "support.h"

using namespace carl;
namespace fs = std::filesystem;

namespace {

int carl_cmd(const std::string& args, const std::string& cwd, std::string* output = nullptr) {
  const std::string out = cwd + "/cmd.out";
  const int rc =
      std::system(fmt::format("cd '{}' && '{}' {} > '{}' 2>&1", cwd, CARL_EXE, args, out).c_str());
  if (output) *output = ca::read_text_file(out);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

ca::Grid glider_at(int size, int row, int col) {
  ca::Grid g(size, size);
  for (auto [r, c] : {std::pair{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}})
    g.set(row + r, col + c, true);
  return g;
}

}  // namespace

TEST_CASE("the README's glider example moves the glider", "[report][cli][golly]") {
  test::TempDir dir;
  const std::string glider = std::string(CARL_SOURCE_DIR) + "/docs/glider.rle";
  std::string out;
  REQUIRE(carl_cmd(fmt::format("simulate --rule B3/S23 --in '{}' --steps 4 --trajectory -o t.rle",
                               glider),
                   dir.path(), &out) == 0);
  const ca::Trajectory t =
      ca::trajectory_from_rle(ca::read_text_file(dir.path() + "/t.rle"), "t.rle");
  REQUIRE(t.frames.size() == 5);
  // A 3×3 pattern and 4 steps: a (3 + 2·5)² = 13×13 torus, the glider centred in it at (5, 5);
  // after 4 generations it has moved one cell down and one right.
  REQUIRE(t.frames[0] == glider_at(13, 5, 5));
  REQUIRE(t.frames[4] == glider_at(13, 6, 6));
  // --torus WxH places it as Golly would; and the file it writes evolves the same in bgolly.
  REQUIRE(carl_cmd(fmt::format("simulate --rule B3/S23 --in '{}' --steps 0 --torus 9x7 -o g.rle",
                               glider),
                   dir.path()) == 0);
  const ca::RlePattern g = ca::read_rle(ca::read_text_file(dir.path() + "/g.rle"), "g.rle");
  REQUIRE(g.rule == "B3/S23:T9,7");
  REQUIRE(test::bgolly_torus(dir.path() + "/g.rle", 8, 7, 9) ==
          ca::Stepper(ca::parse_rule("B3/S23")).evolve(g.grid, 8));
  // Errors: a torus that the file's own contradicts, a bad size.
  const std::string torus_file = dir.path() + "/t9.rle";
  ca::write_text_file(torus_file, "x = 3, y = 3, rule = B3/S23:T9,7\nbo$2bo$3o!\n");
  REQUIRE(carl_cmd("simulate --rule B3/S23 --in t9.rle --torus 10x10", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("t9.rle says its torus is 9x7"));
  REQUIRE(carl_cmd(fmt::format("simulate --rule B3/S23 --in '{}' --torus 0x5", glider), dir.path(),
                   &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("--torus '0x5'"));
}

TEST_CASE("carl run writes the report, and carl export's files run in bgolly",
          "[report][cli][bgolly]") {
  test::TempDir dir;
  std::string yaml = ca::read_text_file(std::string(CARL_SOURCE_DIR) + "/configs/life.yaml");
  ca::write_text_file(dir.path() + "/life.yaml", yaml + "output:\n  runs_dir: runs\n");
  std::string quiet = yaml;
  quiet.replace(quiet.find("name: life"), 10, "name: quiet");
  ca::write_text_file(dir.path() + "/quiet.yaml",
                      quiet + "output:\n  runs_dir: runs\n  report: false\n");
  std::string out;
  REQUIRE(carl_cmd("run life.yaml", dir.path(), &out) == 0);
  INFO(out);
  const std::string run = dir.path() + "/runs/life";
  REQUIRE_THAT(out, Catch::Contains("report: runs/life/report.html"));
  for (const char* f : {"report.html", "rule-sheet.png", "rule-sheet.svg", "kernels.png",
                        "trajectories.png", "curves.png"})
    REQUIRE(fs::file_size(run + "/" + f) > 1000);
  const std::string html = ca::read_text_file(run + "/report.html");
  REQUIRE_THAT(html, Catch::Contains("<code class=\"rulestring\">B3/S23</code>"));
  REQUIRE_THAT(html, Catch::Contains("exact: all 512 entries right"));

  // output.report: false leaves it out; carl report draws it afterwards.
  REQUIRE(carl_cmd("run quiet.yaml", dir.path(), &out) == 0);
  REQUIRE_FALSE(fs::exists(dir.path() + "/runs/quiet/report.html"));
  REQUIRE(carl_cmd("report runs/quiet", dir.path(), &out) == 0);
  REQUIRE(fs::exists(dir.path() + "/runs/quiet/report.html"));

  // carl export: the Golly rule through RuleLoader takes every stored frame to the next one.
  REQUIRE(carl_cmd("export runs/life --golly rules/carl-life.rule --rle frames --gif life.gif",
                   dir.path(), &out) == 0);
  REQUIRE_THAT(out, Catch::Contains("@RULE carl-life"));
  const auto stored =
      ca::trajectory_from_rle(ca::read_text_file(run + "/trajectory-000.rle"), "t0");
  for (int t = 0; t + 1 < static_cast<int>(stored.frames.size()); t += 4) {
    const std::string frame = fmt::format("{}/frames/trajectory-000-{:03}.rle", dir.path(), t);
    REQUIRE(ca::read_rle(ca::read_text_file(frame), frame).grid == stored.frames[std::size_t(t)]);
    REQUIRE(test::bgolly_torus(frame, 1, 24, 24,
                               fmt::format("-a RuleLoader -s '{}/rules/' -r carl-life:T24,24",
                                           dir.path())) == stored.frames[std::size_t(t) + 1]);
  }
  const auto last = ca::trajectory_from_rle(ca::read_text_file(run + "/trajectory-002.rle"), "t2");
  REQUIRE(report::read_gif(dir.path() + "/life.gif", 4) == last);
  // Bad requests are one-line input errors.
  REQUIRE(carl_cmd("export runs/life", dir.path(), &out) == 2);
  REQUIRE(carl_cmd("export runs/life --golly x.txt", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("NAME.rule"));
  // A stem that is no rule name: the file held @RULE a_b, which Golly never looks for there.
  REQUIRE(carl_cmd("export runs/life --golly 'rules/a b.rule'", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("'a b' is no rule name") && Catch::Contains("give a_b.rule"));
  REQUIRE_FALSE(std::filesystem::exists(dir.path() + "/rules/a b.rule"));
  REQUIRE(carl_cmd("export runs/life --gif a.gif --trajectory 9", dir.path(), &out) == 2);
  // An option of one output beside another output only is refused, not ignored; nor is -1 "the
  // last".
  for (const char* args : {"--golly y.rule --trajectory 1", "--rle more --unknown omit",
                           "--rle more --scale 2", "--gif b.gif --trajectory -1"}) {
    INFO(args);
    CHECK(carl_cmd(std::string("export runs/life ") + args, dir.path(), &out) == 2);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
  }
  REQUIRE_FALSE(fs::exists(dir.path() + "/y.rule"));
  REQUIRE_FALSE(fs::exists(dir.path() + "/more"));
  REQUIRE_FALSE(fs::exists(dir.path() + "/b.gif"));
  // A file where the rule file's directory would go (was an internal error, exit 3).
  ca::write_text_file(dir.path() + "/plain", "a file\n");
  REQUIRE(carl_cmd("export runs/life --golly plain/x.rule", dir.path(), &out) == 2);
  REQUIRE(out == "carl: plain: cannot open the directory: Not a directory\n");
}
