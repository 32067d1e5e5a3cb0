#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ca/files.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "provider/builtin.h"
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

// State Z in /proc/PID/stat: exited, not yet reaped.
bool is_zombie(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z';
}

bool process_gone(int pid) {
  return ::kill(pid, 0) == -1 && errno == ESRCH;
}
}  // namespace

TEST_CASE("protocol round trip with the built-in provider", "[client]") {
  Client c({kProvider, "--rule", "B2-a/S12", "--height", "12", "--width", "20", "--steps", "5",
            "--seed", "9"});
  REQUIRE(c.shape() == provider::Shape{12, 20, 5, ca::Boundary::torus});
  REQUIRE(c.next_index() == 0);
  const ca::Trajectory a = c.next(), b = c.next();
  REQUIRE(a.frames.size() == 6);
  REQUIRE(c.requests() == 2);
  REQUIRE(c.next_index() == 2);
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
  // A reveal that is no rulestring names the provider (it was a bare rulestring error).
  CHECK_THAT(error_of([&] {
               Client c({kFakes + "reveals-garbage"}, quick);
               c.next();
               c.reveal();
             }),
             Catch::Contains("reveals-garbage' answered REVEAL with 'B3/S23\\x1b[2J'") &&
                 Catch::Contains("not a rulestring"));
  // How a provider ended, whichever request it ended on: REVEAL (was "closed its output"), or a
  // request it no longer read (was "closed its input (Broken pipe)", no status, no stderr).
  CHECK_THAT(error_of([&] {
               Client c({kFakes + "dies-on-reveal"}, quick);
               c.next();
               c.reveal();
             }),
             Catch::Contains("was killed by signal 11 instead of answering REVEAL") &&
                 Catch::Contains("its stderr said: fake provider: crashing on REVEAL"));
  CHECK_THAT(error_of([&] {
               Client c({kFakes + "one-shot"}, quick);
               c.next();
               // Gone before the next request is written, so that the write itself fails: its
               // supervisor (pid) exits as it does, a zombie until carl reaps it.
               for (int i = 0; i < 500 && !is_zombie(c.pid()); ++i)
                 std::this_thread::sleep_for(std::chrono::milliseconds(10));
               REQUIRE(is_zombie(c.pid()));
               c.next();
             }),
             Catch::Contains("closed its input (Broken pipe): it exited with status 0") &&
                 Catch::Contains("its stderr said: fake provider: one is enough"));
  // A script whose interpreter is missing is not a missing command.
  CHECK(error_of([&] { Client c({kFakes + "bad-interpreter"}, quick); }) ==
        "provider '" + kFakes +
            "bad-interpreter' could not be started: its interpreter '/nonexistent/interpreter' "
            "(its #! line) was not found");
}

TEST_CASE("a provider that hangs is timed out, killed and reaped", "[client][faults]") {
  ClientOptions quick;
  quick.timeout_s = 0.5;
  Client c({kFakes + "hangs"}, quick);
  const int pid = c.pid();
  REQUIRE_FALSE(process_gone(pid));
  REQUIRE_THROWS_WITH(c.next(), Catch::Contains("did not answer in time while carl waited for "
                                                "trajectory 0's header; it was killed"));
  REQUIRE(process_gone(pid));  // killed and reaped: not even a zombie is left
  REQUIRE(c.requests() == 0);  // nothing was counted as received
  // Before its greeting: the wait is named as such (it was "a reply line").
  REQUIRE_THAT(
      error_of([&] {
        Client({"sleep", "1000"}, quick);
      }),
      Catch::Contains("'sleep' did not answer in time while carl waited for its greeting"));
}

TEST_CASE("the trajectory store writes durably and reads back in order", "[client][store]") {
  test::TempDir dir;
  provider::TrajectoryStore store(dir.path() + "/run");
  REQUIRE(store.count() == 0);
  Client c({kProvider, "--rule", "B3/S23", "--height", "9", "--width", "11", "--steps", "3"});
  std::vector<ca::Trajectory> got;
  for (int k = 0; k < 3; ++k) {
    got.push_back(c.next());
    store.save(got.back(), k);
  }
  REQUIRE(store.count() == 3);
  REQUIRE(store.load() == got);
  // A reader of the directory sees complete files only (no .tmp left behind).
  REQUIRE_FALSE(std::ifstream(store.path(0) + ".tmp").good());
}

TEST_CASE("a stored trajectory altered, copied or planted after carl stored it is refused",
          "[client][store][hostile]") {
  // A helper's campaign: between a kill and --resume a frame was edited, a trajectory file
  // copied over the next and one planted beyond the last; all were read as the run's data.
  test::TempDir dir;
  provider::TrajectoryStore store(dir.path());
  std::vector<ca::Trajectory> got;
  for (int k = 0; k < 3; ++k) {
    got.push_back(ca::simulate(ca::parse_rule("B3/S23"), ca::random_soup(8, 8, 0.4, 20 + k), 3));
    store.save(got.back(), k);
  }
  REQUIRE(store.load() == got);
  // Golly reads the digest line as a comment; so does carl.
  REQUIRE(ca::trajectory_from_rle(ca::read_text_file(store.path(1)), "t") == got[1]);
  auto refused = [&] {
    try {
      store.load();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string second = ca::read_text_file(store.path(1));
  // A frame edited: one cell of the last frame flipped.
  std::string edited = second;
  const std::size_t cell = edited.rfind('o');
  edited[cell] = 'b';
  ca::write_text_file(store.path(1), edited);
  REQUIRE_THAT(refused(), Catch::Contains(store.path(1) + ": changed since carl stored it"));
  // A file copied over another.
  ca::write_text_file(store.path(1), ca::read_text_file(store.path(0)));
  REQUIRE_THAT(refused(), Catch::Contains(store.path(1) + ": holds trajectory 0, not 1"));
  ca::write_text_file(store.path(1), second);
  REQUIRE(store.load() == got);
  // One planted beyond the last: a copy, or written by hand without a digest line.
  ca::write_text_file(store.path(3), second);
  REQUIRE_THAT(refused(), Catch::Contains(store.path(3) + ": holds trajectory 1, not 3"));
  ca::write_text_file(store.path(3), ca::trajectory_to_rle(got[2]));
  REQUIRE_THAT(refused(), Catch::Contains(store.path(3) + ": not stored by carl"));
  // A store none of whose files has the line (older runs, stores made by hand) is read as it is,
  // and continued: its files come before every file with the line.
  test::TempDir old;
  for (int k = 0; k < 3; ++k)
    ca::write_text_file(old.path() + fmt::format("/trajectory-{:03d}.rle", k),
                        ca::trajectory_to_rle(got[std::size_t(k)]));
  provider::TrajectoryStore older(old.path());
  REQUIRE(older.load() == got);
  older.save(got[0], 3);
  REQUIRE(older.load().size() == 4);
  ca::write_text_file(older.path(4), ca::trajectory_to_rle(got[1]));
  REQUIRE_THAT(
      [&] {
        try {
          older.load();
        } catch (const InputError& e) {
          return std::string(e.what());
        }
        return std::string("accepted");
      }(),
      Catch::Contains(older.path(4) + ": not stored by carl"));
}

TEST_CASE("a stored trajectory of many huge frames is refused before it is all read",
          "[client][store][limits]") {
  // 5 frames of 2048x2048 cells in a few dozen bytes, in a 4x4 run: each frame is 4 Mi cells,
  // and the limit of 30 MiB allows 10 Mi cells to one trajectory; frame 2 passes them. Before,
  // every frame was allocated and the file then refused for its shape.
  test::TempDir dir;
  provider::TrajectoryStore store(dir.path(), provider::Shape{4, 4, 2, ca::Boundary::torus});
  std::string text;
  for (int f = 0; f < 5; ++f) text += "x = 2048, y = 2048\no!\n";
  { std::ofstream(store.path(0)) << text; }
  ::setenv("CARL_MEMORY_LIMIT", "30M", 1);
  std::string message = "no error";
  try {
    store.load();
  } catch (const InputError& e) {
    message = e.what();
  }
  ::unsetenv("CARL_MEMORY_LIMIT");
  REQUIRE_THAT(message, Catch::Contains(store.path(0) + ":5: frame 2 of 2048x2048") &&
                            Catch::Contains("CARL_MEMORY_LIMIT"));
}

TEST_CASE("external RLE providers through the adapter", "[client][external]") {
  ClientOptions quick;
  quick.timeout_s = 10;
  CHECK_THAT(
      error_of([&] {
        provider::RleCommandSource({kFakes + "rle-fails"}, ca::Boundary::torus, quick).next();
      }),
      Catch::Contains("exited with status 4") && Catch::Contains("out of soup"));
  CHECK_THAT(
      error_of([&] {
        provider::RleCommandSource({kFakes + "rle-garbage"}, ca::Boundary::torus, quick).next();
      }),
      Catch::Contains("'z'"));
  // Shapes are H x W, as in every other message (the height and width were swapped here).
  provider::RleCommandSource changes({kFakes + "rle-changes-shape"}, ca::Boundary::torus, quick);
  REQUIRE(changes.next().frames[0].height() == 3);
  CHECK_THAT(error_of([&] { changes.next(); }),
             Catch::Contains("changed shape on request 1: 2 frames of 3x5 (HxW), before 2 of 3x4"));
}

TEST_CASE("an RLE provider's output of many huge frames is refused before it is all read",
          "[client][external][limits]") {
  // 8 frames of 2048x2048 cells in a few dozen bytes: the limit of 30 MiB allows 10 Mi cells to
  // one trajectory, and frame 2 passes them. Without the budget every frame was allocated and
  // the trajectory accepted.
  ClientOptions quick;
  quick.timeout_s = 10;
  ::setenv("CARL_MEMORY_LIMIT", "30M", 1);
  const std::string message = error_of([&] {
    provider::RleCommandSource({kFakes + "rle-huge-frames"}, ca::Boundary::torus, quick).next();
  });
  ::unsetenv("CARL_MEMORY_LIMIT");
  REQUIRE_THAT(message, Catch::Contains("rle-huge-frames' (request 0):5: frame 2 of 2048x2048") &&
                            Catch::Contains("CARL_MEMORY_LIMIT"));
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
      REQUIRE(src.shape() == provider::Shape{h, w, 6, ca::Boundary::torus});
      const ca::RuleTable table = ca::parse_rule(rule);
      REQUIRE(a == ca::simulate(table, a.frames[0], 6));
      REQUIRE(b == ca::simulate(table, b.frames[0], 6));
      REQUIRE(a.frames[0] != b.frames[0]);  // a fresh soup per request
    }
  }
}

TEST_CASE("scripts/golly-provider removes its temporary directory when it times out",
          "[client][external][bgolly]") {
  test::bgolly_path();
  test::TempDir tmp;
  std::string error;
  {
    const test::ScopedEnvironment tmpdir("TMPDIR", tmp.path());  // where its mktemp -d goes
    provider::ClientOptions quick;
    quick.timeout_s = 1;  // 400 bgolly steps take seconds: it is inside its loop when it times out
    error = error_of([&] {
      provider::RleCommandSource({kGollyProvider, "B3/S23", "64", "64", "400", "0.3", "1"},
                                 ca::Boundary::torus, quick)
          .next();
    });
  }
  REQUIRE_THAT(error, Catch::Contains("did not answer in time"));
  // Ended with SIGTERM, its trap ran; with SIGKILL at once the directory was left.
  REQUIRE(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("START k: a fresh provider serves trajectory k, as the killed one would have",
          "[client][resume]") {
  const std::vector<std::string> argv{kProvider, "--rule",  "B36/S23", "--height", "10", "--width",
                                      "12",      "--steps", "4",       "--seed",   "5"};
  // Reference: the world in process (trajectory k depends only on the options and k).
  provider::ProviderOptions o;
  o.rule = "B36/S23";
  o.height = 10;
  o.width = 12;
  o.steps = 4;
  o.seed = 5;
  const provider::HiddenRuleWorld world(o);
  Client c(argv);
  c.start_at(3);
  REQUIRE(c.next_index() == 3);
  REQUIRE(c.next() == world.trajectory(3));
  REQUIRE(c.next() == world.trajectory(4));
  REQUIRE(c.next_index() == 5);
  // A provider that does not know START: one clear error, before any trajectory is asked.
  Client old({kFakes + "no-start"});
  old.start_at(2);
  REQUIRE_THAT(error_of([&] { old.next(); }), Catch::Contains("cannot start at trajectory 2") &&
                                                  Catch::Contains("unknown request 'START 2'") &&
                                                  Catch::Contains("supports START"));
  REQUIRE(old.requests() == 0);
}

TEST_CASE("a greeting is checked against the config and the memory and line limits",
          "[client][limits]") {
  ClientOptions expect;
  expect.expect = provider::Shape{12, 12, 4, ca::Boundary::torus};
  REQUIRE_THAT(
      error_of([&] {
        Client({kProvider, "--rule", "B3/S23", "--height", "7", "--width", "9", "--steps", "3"},
               expect);
      }),
      Catch::Contains("serves 7x9 frames (HxW), T = 3, torus; the config says 12x12, "
                      "T = 4, torus"));
  REQUIRE_NOTHROW(Client(
      {kProvider, "--rule", "B3/S23", "--height", "12", "--width", "12", "--steps", "4"}, expect));
  // The built-in provider refuses what does not fit before allocating; so does carl's side.
  ::setenv("CARL_MEMORY_LIMIT", "1M", 1);
  REQUIRE_THAT(error_of([&] {
                 Client({kProvider, "--rule", "B3/S23", "--height", "1024", "--width", "1024",
                         "--steps", "3"});
               }),
               Catch::Contains("refused to start: provider: a trajectory of 4 frames of "
                               "1024x1024 (HxW) needs about") &&
                   Catch::Contains("over the memory limit of 1.0 MiB"));
  ::unsetenv("CARL_MEMORY_LIMIT");
  // A line that never ends is refused as itself, not cut and its rest read as the next reply.
  REQUIRE_THAT(error_of([&] { Client({kFakes + "endless-greeting"}); }),
               Catch::Contains("endless-greeting' wrote a line of over 64.0 KiB without a "
                               "newline") &&
                   Catch::Contains(": 'CARL-PROVIDER 1 8 8 2 torus "));
  // A provider that announces more than the limit allows is refused at its greeting, before
  // a byte of its payload is read.
  REQUIRE_THAT(error_of([&] { Client({kFakes + "huge-greeting"}); }),
               Catch::Contains("huge-greeting': a trajectory of 1000001 frames of 65536x65536 "
                               "(HxW) needs about") &&
                   Catch::Contains("over the memory limit of 4.0 GiB"));
  REQUIRE_THAT(error_of([] {
                 provider::parse_greeting("CARL-PROVIDER 1 65536 65536 1000001 torus", "'x'");
               }),
               Catch::Contains("invalid shape"));
}

TEST_CASE("a provider's text is echoed with control characters escaped", "[client][hostile]") {
  ClientOptions quick;
  quick.timeout_s = 5;
  Client c({kFakes + "escapes"}, quick);
  const std::string e = error_of([&] { c.next(); });
  REQUIRE_THAT(e, Catch::Contains("refused trajectory 0: \\x1b[31mred\\x1b[0m \\x1b[2J"));
  for (char ch : e) REQUIRE(static_cast<unsigned char>(ch) >= 0x20);
}

TEST_CASE("every world parameter reaches carl-provider through the derived argv", "[client]") {
  // All different from their defaults: a parameter left out of the argv changes the trajectory,
  // the greeting or the reveal.
  provider::ProviderOptions o;
  o.rule = "B2-a/S12";
  o.height = 10;
  o.width = 13;
  o.steps = 3;
  o.density = 0.37;
  o.noise = 0.02;
  o.mode = ca::Boundary::window;
  o.world_scale = 3;
  o.seed = 11;
  o.allow_reveal = true;
  std::vector<std::string> argv = provider::parameter_arguments(o);
  argv.insert(argv.begin(), kProvider);
  Client c(argv);
  REQUIRE(c.shape() == provider::Shape{10, 13, 3, ca::Boundary::window});
  const provider::HiddenRuleWorld world(o);
  REQUIRE(c.next() == world.trajectory(0));
  REQUIRE(c.next() == world.trajectory(1));
  REQUIRE(c.reveal() == std::optional<std::string>("B2-a/S12"));
}
