#include <catch2/catch.hpp>

#include "ca/error.h"
#include "experiment/config.h"

using carl::experiment::parse_config;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "bad.yaml");
  } catch (const carl::InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a config's fields and defaults", "[config]") {
  const auto c = parse_config("provider:\n  rule: B36/S23\n  height: 16\n  noise: 0.01\n",
                              "configs/highlife.yaml");
  REQUIRE(c.name == "highlife");
  REQUIRE(c.provider.rule == "B36/S23");
  REQUIRE(c.provider.height == 16);
  REQUIRE(c.provider.width == 24);  // default
  REQUIRE(c.provider.noise == Approx(0.01));
  REQUIRE(c.provider.mode == "torus");
  REQUIRE(c.output.runs_dir == "runs");
  REQUIRE(c.learner.committee == 5);
  REQUIRE(c.learner.train.objective == "balanced");
  REQUIRE(c.stopping.policy == "certified");
  REQUIRE(c.extractor.significance == Approx(0.9));
  const auto e =
      parse_config("name: x\nprovider:\n  command: [scripts/golly-provider, B3/S23]\n", "e.yaml");
  REQUIRE(e.provider.command.size() == 2);
  REQUIRE(e.name == "x");
}

TEST_CASE("malformed configs name the file, line and key", "[config]") {
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  densty: 0.3\n"),
             Catch::Contains("bad.yaml:3") && Catch::Contains("provider.densty: unknown key"));
  CHECK_THAT(
      error_of("provider:\n  rule: B3/S23\n  height: tall\n"),
      Catch::Contains("bad.yaml:3") && Catch::Contains("provider.height: expected an integer"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  density: 1.5\n"),
             Catch::Contains("provider.density") && Catch::Contains("outside [0, 1]"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S2z\n"),
             Catch::Contains("bad.yaml:2") && Catch::Contains("provider.rule"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  mode: sphere\n"),
             Catch::Contains("'torus' or 'window'"));
  CHECK_THAT(error_of("provider:\n  height: 5\n"), Catch::Contains("exactly one of 'rule'"));
  CHECK_THAT(error_of("provider: [1, 2\n"), Catch::Contains("not valid YAML"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  symmetry: vibes\n"),
             Catch::Contains("bad.yaml:4") && Catch::Contains("learner.symmetry"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  symmetry: fixed:p3\n"),
             Catch::Contains("'p3' is not a subgroup"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  committee: 0\n"),
             Catch::Contains("learner.committee") && Catch::Contains("outside [1, 64]"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nstopping:\n  policy: hope\n"),
             Catch::Contains("bad.yaml:4") &&
                 Catch::Contains("'hope' is not one of: certified, risk, seed"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nextractor:\n  significance: 2\n"),
             Catch::Contains("extractor.significance"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\noutput:\n  checkpoint: maybe\n"),
             Catch::Contains("output.checkpoint: expected true or false"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearnr: {}\n"),
             Catch::Contains("bad.yaml:3") && Catch::Contains("learnr: unknown key"));
}

TEST_CASE("configs that used to slip through validation (issue 16)", "[config]") {
  // NaN compares false with every bound.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  density: .nan\n"),
             Catch::Contains("bad.yaml:3: provider.density: nan is outside [0, 1]"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  noise: .NaN\n"),
             Catch::Contains("provider.noise: nan is outside"));
  // A key given twice would silently drop one value.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  height: 8\n  height: 16\n"),
             Catch::Contains("bad.yaml:4: provider.height: given twice"));
  CHECK_THAT(error_of("name: a\nname: b\nprovider:\n  rule: B3/S23\n"),
             Catch::Contains("bad.yaml:2: name: given twice"));
  // A key that is not a name.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  [a, b]: 3\n"),
             Catch::Contains("bad.yaml:3: provider: a key must be a name"));
  CHECK_THAT(error_of("? {x: 1}\n: 2\nprovider:\n  rule: B3/S23\n"),
             Catch::Contains("the config: a key must be a name"));
  // Control characters in the run's name (it becomes a directory name and is echoed).
  for (const char* bad : {"\"a\\0b\"", "\"a\\nb\"", "\"a\\eb\"", "\"a\\tb\""}) {
    INFO(bad);
    CHECK_THAT(error_of(std::string("name: ") + bad + "\nprovider:\n  rule: B3/S23\n"),
               Catch::Contains("bad.yaml:1: name: must not contain control characters"));
  }
  // Inside the documented ranges, but beyond the memory limit: refused before the provider
  // grows into it.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  height: 4096\n  width: 4096\n"
                      "  steps: 100000\n"),
             Catch::Contains("bad.yaml:2: provider: a trajectory of 100001 frames of 4096x4096 "
                             "needs about") &&
                 Catch::Contains("over the memory limit of 4.0 GiB"));
  // A value quoted by a check stays on one line (a fuzz finding: mode "w\ndow").
  for (const char* key : {"mode", "protocol"}) {
    INFO(key);
    const std::string e =
        error_of(std::string("provider:\n  rule: B3/S23\n  ") + key + ": \"w\\ndow\"\n");
    CHECK(e.find('\n') == std::string::npos);
    CHECK_THAT(e, Catch::Contains("bad.yaml:3: provider.") && Catch::Contains("w\\x0adow"));
  }
  // An echoed value cannot carry terminal escapes.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  height: \"\\e[2J\"\n"),
             Catch::Contains("got '\\x1b[2J'"));
  // Nor an echoed key (found by fuzz_config).
  const std::string key = error_of("\"na\\nme\": x\nprovider:\n  rule: B3/S23\n");
  CHECK_THAT(key, Catch::Contains("bad.yaml:1: na\\x0ame: unknown key"));
  CHECK(key.find('\n') == std::string::npos);
}
