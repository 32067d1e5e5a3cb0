// Entries named the way users name them (ca/naming.h) in what experiment/run writes: the run
// summary, rule.txt and carl inspect --against; and carl rule --apgsearch.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "ca/files.h"
#include "support.h"

using carl::ca::read_text_file;

namespace {

int carl_cmd(const std::string& args, const std::string& cwd, std::string* output) {
  const std::string out = cwd + "/cmd.out";
  const int rc =
      std::system(fmt::format("cd '{}' && '{}' {} > '{}' 2>&1", cwd, CARL_EXE, args, out).c_str());
  *output = read_text_file(out);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace

TEST_CASE("a partial rule: best guesses and unknown entries by name", "[run][naming][cli]") {
  carl::test::TempDir dir;
  // One short, sparse trajectory on a small torus leaves some Hensel classes unseen.
  carl::ca::write_text_file(
      dir.path() + "/small.yaml",
      "name: small\nprovider:\n  rule: B3/S23\n  height: 10\n  width: 10\n  steps: 2\n"
      "  density: 0.2\n  seed: 3\n  allow_reveal: true\nlearner:\n  committee: 2\n"
      "stopping:\n  max_trajectories: 1\noutput:\n  runs_dir: runs\n");
  std::string out;
  REQUIRE(carl_cmd("run small.yaml", dir.path(), &out) == 1);
  INFO(out);
  REQUIRE_THAT(out, Catch::Contains("rule: (partial: ") && Catch::Contains("best guesses ") &&
                        Catch::Contains("(unknown as 0)") && Catch::Contains("(unknown as 1)"));
  REQUIRE_THAT(out,
               Catch::Contains("\nunknown entries: B") || Catch::Contains("\nunknown entries: S"));
  const std::string txt = read_text_file(dir.path() + "/runs/small/rule.txt");
  REQUIRE_THAT(txt, Catch::Contains("best guesses") && Catch::Contains("unknown entries: "));
  // inspect --against lists the unknown entries by name too.
  REQUIRE(carl_cmd("inspect runs/small --against B3/S23", dir.path(), &out) == 1);
  REQUIRE_THAT(out, Catch::Contains("  unknown (") && Catch::Contains(" entries): "));
}

TEST_CASE("inspect --against names whole orbits by Hensel class", "[run][naming][cli]") {
  carl::test::TempDir dir;
  const std::string life = read_text_file(std::string(CARL_SOURCE_DIR) + "/configs/life.yaml");
  carl::ca::write_text_file(dir.path() + "/life.yaml", life + "output:\n  runs_dir: runs\n");
  std::string out;
  REQUIRE(carl_cmd("run life.yaml", dir.path(), &out) == 0);
  REQUIRE(carl_cmd("inspect runs/life --against B36/S23", dir.path(), &out) == 1);
  // Life learned, HighLife asked: the six classes of B6, by name, not 28 pattern numbers.
  REQUIRE_THAT(out, Catch::Contains("28 of 512 entries differ") &&
                        Catch::Contains("wrong (28 entries): B6a, B6c, B6k, B6n, B6e, B6i"));
  REQUIRE(carl_cmd("rule --apgsearch B36/S23", dir.path(), &out) == 0);
  REQUIRE(out == "b36s23\n");
  REQUIRE(carl_cmd("rule --apgsearch B2-a/S12", dir.path(), &out) == 0);
  REQUIRE(out == "b2-as12\n");
}
