#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "provider/client.h"
#include "provider/error.h"
#include "support.h"

using namespace carl;
using provider::Client;
using provider::ClientOptions;
using provider::ProviderError;

namespace {
const std::string kProvider = CARL_PROVIDER_EXE;
const std::string kFakes = CARL_SOURCE_DIR "/tests/provider/fakes/";
const std::string kGollyProvider = CARL_SOURCE_DIR "/scripts/golly-provider";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ProviderError& e) {
    return e.what();
  }
  return "no error";
}

bool process_gone(int pid) {
  return ::kill(pid, 0) == -1 && errno == ESRCH;
}
}  // namespace

TEST_CASE("protocol round trip with the built-in provider", "[client]") {
  Client c({kProvider, "--rule", "B2-a/S12", "--height", "12", "--width", "20", "--steps", "5",
            "--seed", "9"});
  REQUIRE(c.shape() == provider::Shape{12, 20, 5, "torus"});
  std::vector<int> seen;
  c.on_trajectory([&](const ca::Trajectory& t, int index) {
    REQUIRE(t.frames.size() == 6);
    seen.push_back(index);
  });
  const ca::Trajectory a = c.next(), b = c.next();
  REQUIRE(c.requests() == 2);
  REQUIRE(seen == std::vector<int>{0, 1});
  const ca::RuleTable rule = ca::parse_rule("B2-a/S12");
  REQUIRE(a == ca::simulate(rule, a.frames[0], 5));
  REQUIRE(b == ca::simulate(rule, b.frames[0], 5));
  REQUIRE(a != b);
  REQUIRE_FALSE(c.reveal().has_value());  // not started with --allow-reveal
  // The same seed gives the same trajectories in a new process.
  Client again({kProvider, "--rule", "B2-a/S12", "--height", "12", "--width", "20", "--steps", "5",
                "--seed", "9"});
  REQUIRE(again.next() == a);
}

TEST_CASE("reveal only when allowed", "[client]") {
  Client c({kProvider, "--rule", "b36s23", "--allow-reveal"});
  REQUIRE(c.reveal() == std::optional<std::string>("B36/S23"));
}

TEST_CASE("each provider failure gives its own clear error", "[client][faults]") {
  ClientOptions quick;
  quick.timeout_s = 5;
  CHECK_THAT(error_of([&] { Client c({"/nonexistent/provider"}, quick); }),
             Catch::Contains("could not be started") && Catch::Contains("not found"));
  CHECK_THAT(
      error_of([&] { Client c({kFakes + "exits-at-once"}, quick); }),
      Catch::Contains("exited with status 3 before its greeting") && Catch::Contains("giving up"));
  CHECK_THAT(error_of([&] { Client c({kFakes + "bad-greeting"}, quick); }),
             Catch::Contains("bad greeting"));
  CHECK_THAT(error_of([&] {
               Client c({kFakes + "truncated"}, quick);
               c.next();
             }),
             Catch::Contains("truncated reply: 2 of 6 bytes"));
  CHECK_THAT(error_of([&] {
               Client c({kFakes + "garbage"}, quick);
               c.next();
             }),
             Catch::Contains("malformed reply 'HERE IS YOUR"));
  CHECK_THAT(error_of([&] {
               Client c({kFakes + "corrupted"}, quick);
               c.next();
             }),
             Catch::Contains("wrong checksum"));
}

TEST_CASE("a provider that hangs is timed out, killed and reaped", "[client][faults]") {
  ClientOptions quick;
  quick.timeout_s = 0.5;
  Client c({kFakes + "hangs"}, quick);
  const int pid = c.pid();
  REQUIRE_FALSE(process_gone(pid));
  REQUIRE_THROWS_WITH(c.next(),
                      Catch::Contains("did not answer in time") && Catch::Contains("killed"));
  REQUIRE(process_gone(pid));  // killed and reaped: not even a zombie is left
  REQUIRE(c.requests() == 0);  // nothing was counted as received
}

TEST_CASE("the trajectory store writes durably and reads back in order", "[client][store]") {
  test::TempDir dir;
  provider::TrajectoryStore store(dir.path() + "/run");
  REQUIRE(store.count() == 0);
  Client c({kProvider, "--rule", "B3/S23", "--height", "9", "--width", "11", "--steps", "3"});
  std::vector<ca::Trajectory> got;
  c.on_trajectory([&](const ca::Trajectory& t, int index) { store.save(t, index); });
  for (int k = 0; k < 3; ++k) got.push_back(c.next());
  REQUIRE(store.count() == 3);
  REQUIRE(store.load() == got);
  // A reader of the directory sees complete files only (no .tmp left behind).
  REQUIRE_FALSE(std::ifstream(store.path(0) + ".tmp").good());
}

TEST_CASE("external RLE providers through the adapter", "[client][external]") {
  ClientOptions quick;
  quick.timeout_s = 10;
  CHECK_THAT(
      error_of([&] { provider::RleCommandSource({kFakes + "rle-fails"}, "torus", quick).next(); }),
      Catch::Contains("exited with status 4") && Catch::Contains("out of soup"));
  CHECK_THAT(error_of([&] {
               provider::RleCommandSource({kFakes + "rle-garbage"}, "torus", quick).next();
             }),
             Catch::Contains("'z'"));
}

TEST_CASE("scripts/golly-provider: bgolly's frames follow the rule", "[client][external][bgolly]") {
  test::bgolly_path();  // fails clearly if bgolly is missing
  for (const std::string& rule : {std::string("B2-a/S12"), std::string("B3/S2-i34q"),
                                  ca::emit_map(ca::random_rule(77, /*no_b0=*/true))}) {
    INFO(rule);
    for (auto [h, w] : {std::pair{16, 16}, {12, 20}}) {
      provider::RleCommandSource src(
          {kGollyProvider, rule, std::to_string(h), std::to_string(w), "6", "0.4", "3"});
      const ca::Trajectory a = src.next(), b = src.next();
      REQUIRE(src.shape() == provider::Shape{h, w, 6, "torus"});
      const ca::RuleTable table = ca::parse_rule(rule);
      REQUIRE(a == ca::simulate(table, a.frames[0], 6));
      REQUIRE(b == ca::simulate(table, b.frames[0], 6));
      REQUIRE(a.frames[0] != b.frames[0]);  // a fresh soup per request
    }
  }
}
