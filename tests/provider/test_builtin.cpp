#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "provider/builtin.h"
#include "support.h"

using namespace carl;

namespace {
provider::ProviderOptions options(const std::string& rule) {
  provider::ProviderOptions o;
  o.rule = rule;
  o.height = 20;
  o.width = 28;
  o.steps = 6;
  o.seed = 5;
  return o;
}
}  // namespace

TEST_CASE("torus trajectories follow the hidden rule and are reproducible", "[builtin]") {
  // Each step checked against Golly's bgolly on the same torus (the independent oracle).
  for (const std::string rule : {"B36/S23", "B2-a/S12", "B3-cnq/S23-a"}) {
    INFO(rule);
    const ca::Trajectory t = provider::HiddenRuleWorld(options(rule)).trajectory(3);
    for (std::size_t s = 0; s + 1 < t.frames.size(); ++s)
      REQUIRE(test::bgolly_evolve(rule, t.frames[s], 1) == test::bounding_box(t.frames[s + 1]));
  }
  const provider::HiddenRuleWorld world(options("B36/S23"));
  const ca::Trajectory a = world.trajectory(0), b = world.trajectory(1);
  REQUIRE(a.frames.size() == 7);
  REQUIRE(a.frames[0].height() == 20);
  REQUIRE(a.frames[0].width() == 28);
  REQUIRE(test::bgolly_evolve("B36/S23", a.frames[0], 6) == test::bounding_box(a.frames[6]));
  REQUIRE(test::bgolly_evolve("B36/S23", b.frames[0], 6) == test::bounding_box(b.frames[6]));
  REQUIRE(a.frames[0] != b.frames[0]);  // a fresh soup per request
  REQUIRE(provider::HiddenRuleWorld(options("B36/S23")).trajectory(1) == b);  // same seed
  auto other = options("B36/S23");
  other.seed = 6;
  REQUIRE(provider::HiddenRuleWorld(other).trajectory(1) != b);
}

TEST_CASE("window mode shows the centre of a larger evolving world", "[builtin]") {
  auto o = options("B3/S23");
  o.mode = ca::Boundary::window;
  o.world_scale = 3;
  const provider::HiddenRuleWorld world(o);
  const ca::Trajectory t = world.trajectory(2);
  REQUIRE(t.frames[0].height() == 20);
  // Interior cells follow the rule from the visible frame; as a whole the window is not a torus.
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  for (int s = 0; s < 6; ++s)
    REQUIRE(ca::step_window(life, t.frames[static_cast<std::size_t>(s)]) ==
            t.frames[static_cast<std::size_t>(s + 1)].crop(1, 1, 18, 26));
  bool differs_from_torus = false;
  for (int s = 0; s < 6; ++s)
    differs_from_torus =
        differs_from_torus || ca::step(life, t.frames[static_cast<std::size_t>(s)]) !=
                                  t.frames[static_cast<std::size_t>(s + 1)];
  REQUIRE(differs_from_torus);
}

TEST_CASE("observation noise flips cells at the asked rate", "[builtin]") {
  auto clean_o = options("B3/S23");
  clean_o.height = clean_o.width = 64;
  clean_o.steps = 10;
  auto noisy_o = clean_o;
  noisy_o.noise = 0.05;
  const provider::HiddenRuleWorld clean(clean_o), noisy(noisy_o);
  double flips = 0, cells = 0;
  for (int k = 0; k < 3; ++k) {
    const ca::Trajectory a = clean.trajectory(k), b = noisy.trajectory(k);
    for (std::size_t f = 0; f < a.frames.size(); ++f)
      for (std::size_t i = 0; i < a.frames[f].size(); ++i) {
        flips += a.frames[f].cells()[i] != b.frames[f].cells()[i];
        cells += 1;
      }
  }
  const double sd = std::sqrt(cells * 0.05 * 0.95);
  REQUIRE(std::abs(flips - 0.05 * cells) < 3 * sd);
}

TEST_CASE("bad provider options are named", "[builtin]") {
  auto o = options("B3/S2x");
  REQUIRE_THROWS_WITH(provider::HiddenRuleWorld(o), Catch::Contains("'x'"));
  o = options("B3/S23");
  o.noise = 0.7;
  REQUIRE_THROWS_WITH(provider::HiddenRuleWorld(o), Catch::Contains("--noise"));
  // The first trajectory's number is one the protocol can carry (START k: k <= 2·10⁹).
  o = options("B3/S23");
  o.start_index = 2000000001;
  REQUIRE_THROWS_WITH(provider::HiddenRuleWorld(o),
                      Catch::Contains("--start-index 2000000001 is not in [0, 2000000000]"));
  o.start_index = 2000000000;
  REQUIRE_NOTHROW(provider::HiddenRuleWorld(o));
}

TEST_CASE("docs/provider-protocol.md's example exchange is what carl-provider says",
          "[builtin][docs]") {
  // The example is read from the page and replayed: '>' lines are sent, '<' lines expected
  // byte for byte; "[N bytes…]" stands for the payload the header before it announced.
  const std::string page = ca::read_text_file(CARL_SOURCE_DIR "/docs/provider-protocol.md");
  const std::size_t section = page.find("## Example exchange");
  REQUIRE(section != std::string::npos);
  const std::size_t cmd_begin = page.find("`carl-provider ", section) + 1;
  const std::string command = page.substr(cmd_begin, page.find('`', cmd_begin) - cmd_begin);
  const std::size_t block = page.find("```\n", section) + 4;
  std::istringstream lines(page.substr(block, page.find("```", block) - block));
  std::string sent, line;
  std::vector<std::string> expected;
  while (std::getline(lines, line)) {
    if (line.rfind("> ", 0) == 0) sent += line.substr(2) + "\n";
    if (line.rfind("< ", 0) == 0) expected.push_back(line.substr(2));
  }
  REQUIRE(expected.size() >= 4);
  test::TempDir dir;
  ca::write_text_file(dir.path() + "/in", sent);
  const std::string run = std::string(CARL_PROVIDER_EXE) + command.substr(13) + " < '" +
                          dir.path() + "/in' > '" + dir.path() + "/out'";
  REQUIRE(std::system(run.c_str()) == 0);
  const std::string out = ca::read_text_file(dir.path() + "/out");
  std::size_t at = 0, payload = 0;
  for (const std::string& e : expected) {
    INFO(e);
    if (e.rfind("[", 0) == 0) {  // the payload announced by the TRAJECTORY line before it
      REQUIRE(payload > 0);
      at += payload;
      payload = 0;
      continue;
    }
    const std::size_t end = out.find('\n', at);
    REQUIRE(end != std::string::npos);
    REQUIRE(out.substr(at, end - at) == e);
    if (e.rfind("TRAJECTORY ", 0) == 0) payload = std::stoul(e.substr(e.find(' ', 11) + 1));
    at = end + 1;
  }
  REQUIRE(at == out.size());  // nothing more was said
}
