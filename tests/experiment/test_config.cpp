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
  CHECK_THAT(
      error_of("provider:\n  rule: B3/S23\nstopping:\n  policy: hope\n"),
      Catch::Contains("bad.yaml:4") && Catch::Contains("'hope' is not one of: certified, risk, seed"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nextractor:\n  significance: 2\n"),
             Catch::Contains("extractor.significance"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\noutput:\n  checkpoint: maybe\n"),
             Catch::Contains("output.checkpoint: expected true or false"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearnr: {}\n"),
             Catch::Contains("bad.yaml:3") && Catch::Contains("learnr: unknown key"));
}
