// carl learn: learning from recorded trajectory files, with no live provider; entries named the
// way users name them in rule.txt, the run summary and carl inspect --against.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "ca/files.h"
#include "support.h"

namespace fs = std::filesystem;
using carl::ca::read_text_file;

namespace {

int carl_cmd(const std::string& args, const std::string& cwd, std::string* output = nullptr) {
  const std::string out = cwd + "/cmd.out";
  const int rc =
      std::system(fmt::format("cd '{}' && '{}' {} > '{}' 2>&1", cwd, CARL_EXE, args, out).c_str());
  if (output) *output = read_text_file(out);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace

TEST_CASE("carl learn halts on enough recorded trajectories", "[learn][cli]") {
  carl::test::TempDir dir;
  std::string out;
  for (int s = 1; s <= 3; ++s)
    REQUIRE(carl_cmd(fmt::format("simulate --rule B36/S23 --soup 24x24 --density 0.3 --seed {} "
                                 "--steps 12 --trajectory -o t{}.rle",
                                 s, s),
                     dir.path()) == 0);
  REQUIRE(carl_cmd("learn t1.rle t2.rle t3.rle --name high", dir.path(), &out) == 0);
  INFO(out);
  REQUIRE_THAT(out,
               Catch::Contains("3 recorded trajectories of 13 frames of 24x24 (WxH) -> runs/high"));
  REQUIRE_THAT(out, Catch::Contains("halted:"));
  REQUIRE_THAT(out, Catch::Contains("rule: B36/S23"));
  // The recordings are the run's stored trajectories; none was asked of any provider.
  for (int k = 0; k < 3; ++k)
    REQUIRE(read_text_file(fmt::format("{}/runs/high/trajectory-{:03}.rle", dir.path(), k))
                .find("frame 12") != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() + "/runs/high/trajectory-003.rle"));
  REQUIRE(fs::exists(dir.path() + "/runs/high/report.html"));
  // inspect --against names the differing entries by Hensel class.
  REQUIRE(carl_cmd("inspect runs/high --against B3/S23", dir.path(), &out) == 1);
  REQUIRE_THAT(out, Catch::Contains("wrong (28 entries): B6a, B6c, B6k, B6n, B6e, B6i"));
  // And each with what it rests on. HighLife's B6 births always happen, so every B6 pattern the
  // one recording the run used shows goes to 1 each time, never to 0; one it never showed (p459,
  // shown by the other two) was filled by symmetry.
  REQUIRE_THAT(out, Catch::Contains("each (learned, against; provenance; its updates to 0 and to "
                                    "1 in the 1 trajectories the run used)"));
  const std::regex line(R"(\n    p\d+ [.#/]{11}: 1, 0; (\w+); (\d+) to 0, (\d+) to 1)");
  int listed = 0, observed = 0;
  for (auto m = std::sregex_iterator(out.begin(), out.end(), line); m != std::sregex_iterator();
       ++m, ++listed) {
    INFO((*m)[0]);
    CHECK((*m)[2] == "0");
    if ((*m)[1] == "observed") {
      ++observed;
      CHECK(std::stoi((*m)[3]) > 0);
    } else {
      CHECK((*m)[3] == "0");
    }
  }
  CHECK(listed == 28);
  CHECK(observed > 0);
}

TEST_CASE("carl learn says what more it would need, and names unknown entries", "[learn][cli]") {
  carl::test::TempDir dir;
  std::string out;
  REQUIRE(carl_cmd("simulate --rule B3/S23 --soup 11x10 --density 0.2 --seed 3 --steps 2 "
                   "--trajectory -o small.rle",
                   dir.path()) == 0);
  carl::ca::write_text_file(dir.path() + "/c.yaml",
                            "name: tiny\nprovider:\n  rule: B3/S23\nlearner:\n  committee: 2\n"
                            "output:\n  runs_dir: out\n  report: false\n");
  REQUIRE(carl_cmd("learn small.rle --config c.yaml", dir.path(), &out) == 1);
  INFO(out);
  REQUIRE_THAT(out, Catch::Contains("-> out/tiny"));
  REQUIRE_THAT(out, Catch::Contains("stopped: budget"));
  REQUIRE_THAT(out,
               Catch::Contains("would need at least one more trajectory of 11x10 (WxH), 2 steps"));
  REQUIRE_THAT(out, Catch::Contains("best guesses"));
  REQUIRE_THAT(out, Catch::Contains("(unknown as 0)"));
  REQUIRE_THAT(out, Catch::Contains("unknown entries: "));
  REQUIRE_FALSE(fs::exists(dir.path() + "/out/tiny/report.html"));  // output.report: false
  const std::string txt = read_text_file(dir.path() + "/out/tiny/rule.txt");
  REQUIRE_THAT(txt, Catch::Contains("unknown entries: B"));  // Hensel names: whole orbits
  // The stored config: the recordings' shape, a budget of exactly the recordings.
  const std::string cfg = read_text_file(dir.path() + "/out/tiny/config.yaml");
  REQUIRE_THAT(cfg, Catch::Contains("max_trajectories: 1") && Catch::Contains("height: 10"));
  // Its budget is the recordings: a larger one given with --resume is refused, not run with a
  // stand-in provider that has no more.
  std::string more = cfg;
  more.replace(more.find("max_trajectories: 1"), 19, "max_trajectories: 5");
  carl::ca::write_text_file(dir.path() + "/more.yaml", more);
  REQUIRE(carl_cmd("run more.yaml --resume out/tiny", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("out/tiny/config.yaml: stopping.max_trajectories is 1 in the "
                                    "run but 5 in more.yaml; a carl learn run's budget is its "
                                    "recordings"));
}

TEST_CASE("carl learn takes a config without a provider section", "[learn][cli]") {
  // docs/learn.md: --config supplies the learner, extractor, stopping and output settings; its
  // provider section is replaced, so it need not name a rule or command (only `mode` is kept).
  carl::test::TempDir dir;
  std::string out;
  REQUIRE(carl_cmd("simulate --rule B3/S23 --soup 10x10 --density 0.2 --seed 3 --steps 2 "
                   "--trajectory -o small.rle",
                   dir.path()) == 0);
  carl::ca::write_text_file(dir.path() + "/nop.yaml",
                            "learner:\n  committee: 2\noutput:\n  report: false\n");
  REQUIRE(carl_cmd("learn small.rle --config nop.yaml", dir.path(), &out) == 1);
  INFO(out);
  REQUIRE_THAT(out, Catch::Contains("-> runs/nop"));  // the config's name: its stem
  carl::ca::write_text_file(dir.path() + "/mode.yaml",
                            "provider:\n  mode: torus\nlearner:\n  committee: 2\n"
                            "output:\n  report: false\n");
  REQUIRE(carl_cmd("learn small.rle --config mode.yaml", dir.path(), &out) == 1);
  REQUIRE_THAT(out, Catch::Contains("-> runs/mode"));
  // Both a rule and a command is still an error, naming the file.
  carl::ca::write_text_file(dir.path() + "/both.yaml",
                            "provider:\n  rule: B3/S23\n  command: [x]\n");
  REQUIRE(carl_cmd("learn small.rle --config both.yaml", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("both.yaml:1: provider: give exactly one of"));
}

TEST_CASE("carl learn refuses bad recordings with one line naming the file", "[learn][cli]") {
  carl::test::TempDir dir;
  std::string out;
  carl::ca::write_text_file(dir.path() + "/one.rle", "x = 3, y = 3\nbo$2bo$3o!\n");
  REQUIRE(carl_cmd("learn one.rle", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("one.rle: a recorded trajectory needs at least 2 frames"));
  REQUIRE(carl_cmd("simulate --rule B3/S23 --soup 8x8 --steps 2 --trajectory -o a.rle",
                   dir.path()) == 0);
  REQUIRE(carl_cmd("simulate --rule B3/S23 --soup 9x8 --steps 2 --trajectory -o b.rle",
                   dir.path()) == 0);
  REQUIRE(carl_cmd("learn a.rle b.rle", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("b.rle:") && Catch::Contains("one shape"));
  carl::ca::write_text_file(dir.path() + "/bad.rle", "x = 3, y = 3, rule = NOTARULE\no!\n");
  REQUIRE(carl_cmd("learn bad.rle", dir.path(), &out) == 2);
  REQUIRE_THAT(out, Catch::Contains("bad.rle:1") && Catch::Contains("NOTARULE"));
  REQUIRE(carl_cmd("learn", dir.path(), &out) == 2);
  REQUIRE_FALSE(fs::exists(dir.path() + "/runs"));
}

TEST_CASE("carl learn refuses a recording beyond the memory limit at the frame that passes it",
          "[learn][cli][limits]") {
  // A few bytes of header make a frame of 4 Mi cells; the limit of 30 MiB allows 10 Mi cells to
  // one trajectory. Before, every frame was allocated (200 frames of 8192x8192, a file of 4 KiB,
  // took 12.6 GiB and 38 s) and the run's config then refused, naming "carl learn", not the file.
  carl::test::TempDir dir;
  std::string text, out;
  for (int f = 0; f < 5; ++f) text += "x = 2048, y = 2048\no!\n";
  carl::ca::write_text_file(dir.path() + "/huge.rle", text);
  ::setenv("CARL_MEMORY_LIMIT", "30M", 1);
  const int rc = carl_cmd("learn huge.rle", dir.path(), &out);
  ::unsetenv("CARL_MEMORY_LIMIT");
  REQUIRE(rc == 2);
  REQUIRE_THAT(out, Catch::StartsWith("carl: huge.rle:5: frame 2 of 2048x2048") &&
                        Catch::Contains("CARL_MEMORY_LIMIT"));
  REQUIRE_FALSE(fs::exists(dir.path() + "/runs"));
}

TEST_CASE("carl learn names the recording whose trajectory is over the memory limit",
          "[learn][cli][limits]") {
  // 2 frames of 2289x2289 are within a third of 30 MiB in cells, so the reader takes them, but a
  // trajectory of that shape needs about 31 MiB (packed frames, unpacked cells, the RLE text
  // stored). Was "carl learn:4: provider: a trajectory of 2 frames … over the memory limit": a
  // line of the config carl writes for the run.
  carl::test::TempDir dir;
  std::string out;
  carl::ca::write_text_file(dir.path() + "/big.rle",
                            "x = 2289, y = 2289\no!\nx = 2289, y = 2289\n!\n");
  ::setenv("CARL_MEMORY_LIMIT", "30M", 1);
  const int rc = carl_cmd("learn big.rle", dir.path(), &out);
  ::unsetenv("CARL_MEMORY_LIMIT");
  REQUIRE(rc == 2);
  REQUIRE_THAT(out,
               Catch::StartsWith("carl: big.rle: a recorded trajectory of 2 frames of 2289x2289 "
                                 "(WxH) needs about") &&
                   Catch::Contains("CARL_MEMORY_LIMIT"));
  REQUIRE(std::count(out.begin(), out.end(), '\n') == 1);
  REQUIRE_FALSE(fs::exists(dir.path() + "/runs"));
}

TEST_CASE("carl learn names the recording whose frames are too small or too large for a run",
          "[learn][cli]") {
  // Was "carl learn:10: provider.height: 2 is outside [3, 4096]" (with --config, the user's
  // file and a line it does not have): a line of the config carl writes for the run.
  carl::test::TempDir dir;
  std::string out;
  carl::ca::write_text_file(dir.path() + "/small.rle", "x = 2, y = 2\no!\nx = 2, y = 2\n!\n");
  REQUIRE(carl_cmd("learn small.rle", dir.path(), &out) == 2);
  REQUIRE(out ==
          "carl: small.rle: 2 frames of 2x2 (WxH): height 2 is outside [3, 4096] (a run's "
          "provider.height)\n");
  REQUIRE_FALSE(fs::exists(dir.path() + "/runs"));
}
