// The run directory: durable writes that never follow a link, and a reader that checks every
// field of every file it reads back.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "experiment/run_dir.h"
#include "support.h"

using namespace carl;
using experiment::RunDir;
using nlohmann::json;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// A complete rule.json as carl writes it: Life, learned with every provenance represented.
std::string life_rule_json() {
  experiment::Config cfg;
  cfg.name = "life";
  experiment::Outcome o;
  o.rule.table = ca::parse_rule("B3/S23");
  o.rule.group = groups::Subgroup::parse("p4m");
  for (int p = 0; p < ca::kPatternCount; ++p)
    o.rule.provenance[std::size_t(p)] =
        p % 3 == 0 ? extractor::Provenance::observed : extractor::Provenance::symmetry;
  o.rule.provenance[7] = extractor::Provenance::generalized;
  o.halted = true;
  o.reason = "certified";
  o.trajectories = 3;
  o.rounds = 2;
  o.kernels = {std::array<double, 9>{1, 2, 3, 4, 5, 6, 7, 8, 9}};
  return experiment::rule_json_text(cfg, o);
}

std::string rule_error(const std::function<void(json&)>& edit) {
  json j = json::parse(life_rule_json());
  edit(j);
  return error_of([&] { experiment::parse_rule_json(j.dump(), "run/rule.json"); });
}

std::string round_line(int round = 0, int trajectories = 1) {
  experiment::RoundRecord r;
  r.round = round;
  r.trajectories = trajectories;
  r.group = "p4m";
  r.symmetry = "data: p4m";
  r.significant_orbits = 100;
  r.total_orbits = 102;
  r.known_entries = 500;
  r.l1 = 0.01;
  r.l2 = 0.02;
  r.decision = "request";
  return experiment::round_json_line(r);
}

ca::Trajectory soup_trajectory(int h, int w, int steps, std::uint64_t seed) {
  return ca::simulate(ca::parse_rule("B3/S23"), ca::random_soup(h, w, 0.4, seed), steps);
}

// A run directory as `carl run` leaves it: config, trajectories, rounds, rule.
std::string make_run(const std::string& root) {
  const RunDir d = RunDir::create(root + "/runs", "life");
  d.write_config("name: life\nprovider:\n  rule: B3/S23\n  height: 8\n  width: 10\n  steps: 3\n");
  provider::TrajectoryStore store(d.path(), provider::Shape{8, 10, 3, ca::Boundary::torus});
  for (int k = 0; k < 3; ++k) store.save(soup_trajectory(8, 10, 3, std::uint64_t(k + 1)), k);
  d.write("rounds.jsonl", round_line(0, 1) + "\n" + round_line(1, 2) + "\n");
  d.write("rule.json", life_rule_json());  // 2 rounds, 3 trajectories
  return d.path();
}

}  // namespace

TEST_CASE("rule.json round trip", "[run_dir]") {
  const experiment::StoredRule r = experiment::parse_rule_json(life_rule_json(), "rule.json");
  REQUIRE(r.table == ca::parse_rule("B3/S23"));
  REQUIRE(r.rulestring == std::optional<std::string>("B3/S23"));
  REQUIRE(r.group.name() == "p4m");
  REQUIRE(r.provenance[7] == extractor::Provenance::generalized);
  REQUIRE(r.provenance_counts[2] == 1);
  REQUIRE(r.provenance_counts[0] + r.provenance_counts[1] + r.provenance_counts[2] == 512);
  REQUIRE(r.kernels.size() == 1);
  REQUIRE(r.kernels[0][8] == 9);
  REQUIRE(r.halted);
  REQUIRE_FALSE(r.score.has_value());
}

TEST_CASE("every field of rule.json is checked, errors name the file and the field", "[run_dir]") {
  // The crashes and out-of-bounds writes of issue 16: pattern -1, 600, 70000.
  for (int bad : {-1, 512, 600, 70000}) {
    INFO(bad);
    CHECK_THAT(rule_error([&](json& j) { j["entries"][5]["pattern"] = bad; }),
               Catch::Contains("run/rule.json: entries[5].pattern:") &&
                   Catch::Contains("outside [0, 511]"));
  }
  CHECK_THAT(rule_error([](json& j) { j["entries"][5]["pattern"] = 4; }),
             Catch::Contains("entries[5].pattern: 4 given twice"));
  CHECK_THAT(rule_error([](json& j) { j["entries"][5]["pattern"] = "5"; }),
             Catch::Contains("entries[5].pattern: expected an integer"));
  CHECK_THAT(rule_error([](json& j) { j["entries"][5]["output"] = 2; }),
             Catch::Contains("entries[5].output: 2 is outside [0, 1]"));
  CHECK_THAT(rule_error([](json& j) { j["entries"][5]["provenance"] = "guessed"; }),
             Catch::Contains("entries[5].provenance: 'guessed' is not one of"));
  CHECK_THAT(rule_error([](json& j) { j["entries"][5]["output"] = nullptr; }),
             Catch::Contains("entries[5].output: null, but the provenance is"));
  CHECK_THAT(rule_error([](json& j) { j["entries"].erase(3); }),
             Catch::Contains("run/rule.json: entries: expected an array of 512"));
  CHECK_THAT(rule_error([](json& j) { j.erase("group"); }),
             Catch::Contains("run/rule.json: group: missing"));
  CHECK_THAT(rule_error([](json& j) { j["group"] = "p5"; }), Catch::Contains("group:"));
  CHECK_THAT(rule_error([](json& j) { j["halted"] = "yes"; }),
             Catch::Contains("halted: expected true or false"));
  CHECK_THAT(rule_error([](json& j) { j["name"] = "a\x1b[2Jb"; }),
             Catch::Contains("name: contains a control character"));
  // U+009B, the terminal's 8-bit CSI, in UTF-8; and names a config refuses.
  CHECK_THAT(rule_error([](json& j) { j["name"] = "a\xc2\x9b[2Jb"; }),
             Catch::Contains("name: contains a control character"));
  CHECK_THAT(rule_error([](json& j) { j["name"] = "a/b"; }), Catch::Contains("name: must be"));
  CHECK_THAT(rule_error([](json& j) { j["name"] = ""; }), Catch::Contains("name: must be"));
  CHECK_THAT(rule_error([](json& j) { j["support"] = "hex"; }),
             Catch::Contains("support: 'hex' is not the support of ignored_cells 0 ('Moore')"));
  CHECK_THAT(rule_error([](json& j) { j["policy"] = "bogus"; }),
             Catch::Contains("policy: 'bogus' is not one of: certified, risk, seed"));
  CHECK_THAT(rule_error([](json& j) { j["rulestring"] = "B36/S23"; }),
             Catch::Contains("rulestring: 'B36/S23' disagrees with the entries"));
  CHECK_THAT(rule_error([](json& j) { j["provenance_counts"]["unknown"] = 3; }),
             Catch::Contains("provenance_counts.unknown: 3, but 0 entries"));
  CHECK_THAT(rule_error([](json& j) { j["complete"] = false; }),
             Catch::Contains("complete: false, but 512 of 512"));
  CHECK_THAT(rule_error([](json& j) { j["first_layer_kernels"][0].erase(0); }),
             Catch::Contains("first_layer_kernels[0]: expected an array of 9"));
  CHECK_THAT(rule_error([](json& j) { j["trajectories"] = -4; }),
             Catch::Contains("trajectories: -4 is outside"));
  CHECK_THAT(rule_error([](json& j) { j["extra"] = 1; }), Catch::Contains("extra: unknown key"));
  CHECK_THAT(rule_error([](json& j) {
               j["score"] = {{"hidden_rule", "B3/S23"},
                             {"exact", true},
                             {"wrong", 1},
                             {"unknown", 0},
                             {"wrong_patterns", {600}}};
             }),
             Catch::Contains("score.wrong_patterns[0]: expected a pattern in [0, 511]"));
  CHECK_THAT(error_of([] { experiment::parse_rule_json("{\"entries\": [", "r.json"); }),
             Catch::Contains("r.json: not valid JSON"));
  CHECK_THAT(error_of([] { experiment::parse_rule_json("[]", "r.json"); }),
             Catch::Contains("r.json: top level: expected an object"));
}

TEST_CASE("rounds.jsonl: every line checked, errors name the file, line and field", "[run_dir]") {
  const std::string ok = round_line();
  REQUIRE(experiment::parse_rounds(ok + "\n", "r.jsonl").size() == 1);
  auto bad = [&](const std::function<void(json&)>& edit, int line = 2) {
    json j = json::parse(ok);
    j["round"] = 1;
    edit(j);
    return error_of([&] { experiment::parse_rounds(ok + "\n" + j.dump() + "\n", "r.jsonl"); });
    (void)line;
  };
  CHECK_THAT(bad([](json& j) { j["l2"] = 7; }), Catch::Contains("r.jsonl:2: l2: 7 is outside"));
  CHECK_THAT(bad([](json& j) { j.erase("decision"); }),
             Catch::Contains("r.jsonl:2: decision: missing"));
  CHECK_THAT(bad([](json& j) { j["round"] = 5; }),
             Catch::Contains("r.jsonl:2: round: 5, expected 1"));
  CHECK_THAT(bad([](json& j) { j["significant_orbits"] = 200; }),
             Catch::Contains("significant_orbits: 200 exceeds total_orbits 102"));
  CHECK_THAT(error_of([&] { experiment::parse_rounds(ok + "\n{oops\n", "r.jsonl"); }),
             Catch::Contains("r.jsonl:2: not valid JSON"));
}

TEST_CASE("load_run reads a whole run directory back, checked", "[run_dir]") {
  test::TempDir tmp;
  const std::string dir = make_run(tmp.path());
  REQUIRE(dir == tmp.path() + "/runs/life");
  const experiment::RunContents run = experiment::load_run(dir);
  REQUIRE(run.config.provider.height == 8);
  REQUIRE(run.trajectory_count == 3);
  REQUIRE(run.trajectories[2] == soup_trajectory(8, 10, 3, 3));
  REQUIRE(run.rounds.size() == 2);
  REQUIRE(run.rounds[0].significant_orbits == 100);
  REQUIRE(run.rule.has_value());
  REQUIRE(run.rule->table == ca::parse_rule("B3/S23"));

  SECTION("files that tell different stories") {
    // An emptied rounds.jsonl, a round or a rule that used more trajectories than are stored.
    ca::write_durably(dir, "rounds.jsonl", "");
    REQUIRE(error_of([&] { experiment::load_run(dir); }) ==
            dir + "/rounds.jsonl: 0 rounds, but rule.json says 2");
    ca::write_durably(dir, "rounds.jsonl", round_line(0, 1) + "\n" + round_line(1, 99) + "\n");
    REQUIRE(error_of([&] { experiment::load_run(dir); }) ==
            dir + "/rounds.jsonl:2: trajectories: 99 used, but the run directory holds 3");
    ca::write_durably(dir, "rounds.jsonl", round_line(0, 1) + "\n" + round_line(1, 2) + "\n");
    std::filesystem::remove(dir + "/trajectory-002.rle");
    REQUIRE(error_of([&] { experiment::load_run(dir); }) ==
            dir + "/rule.json: trajectories: 3 used, but the run directory holds 2");
  }

  SECTION("a trajectory of the wrong size") {
    ca::write_durably(dir, "trajectory-001.rle",
                      ca::trajectory_to_rle(soup_trajectory(9, 10, 3, 5)));
    REQUIRE_THAT(error_of([&] { experiment::load_run(dir); }),
                 Catch::Contains(dir + "/trajectory-001.rle: 4 frames of 10x9") &&
                     Catch::Contains("have 4 frames of 10x8"));
  }
  SECTION("a trajectory of one frame") {
    ca::Trajectory one = soup_trajectory(8, 10, 3, 5);
    one.frames.resize(1);
    ca::write_durably(dir, "trajectory-002.rle", ca::trajectory_to_rle(one));
    REQUIRE_THAT(error_of([&] { experiment::load_run(dir); }),
                 Catch::Contains("trajectory-002.rle: 1 frame(s)"));
  }
  SECTION("a gap in the numbering") {
    std::filesystem::remove(dir + "/trajectory-000.rle");
    REQUIRE_THAT(error_of([&] { experiment::load_run(dir); }),
                 Catch::Contains("trajectory-001.rle: trajectory 1 is stored but") &&
                     Catch::Contains("trajectory-000.rle is missing"));
  }
  SECTION("a config edited since the run began; one stored before the digest line") {
    std::string text = ca::read_text_file(dir + "/config.yaml");
    const std::size_t at = text.find("height: 8");
    REQUIRE(at != std::string::npos);
    ca::write_durably(dir, "config.yaml", std::string(text).replace(at, 9, "height: 9"));
    REQUIRE_THAT(error_of([&] { experiment::load_run(dir); }),
                 Catch::StartsWith(dir + "/config.yaml: changed since the run began"));
    REQUIRE_THAT(error_of([&] { RunDir::open(dir).read_config(); }),
                 Catch::StartsWith(dir + "/config.yaml: changed since the run began"));
    // Without its first line, the digest, it is a copy from before the line: taken as it is.
    ca::write_durably(dir, "config.yaml", text.substr(text.find('\n') + 1));
    REQUIRE(experiment::load_run(dir).config.provider.height == 8);
  }
  SECTION("a config with a byte-order mark is stored without it, and reads back") {
    const RunDir run = RunDir::open(dir);
    run.write_config(
        "\xef\xbb\xbfname: life\nprovider:\n  rule: B3/S23\n  height: 8\n"
        "  width: 10\n  steps: 3\n");
    REQUIRE(run.read_config().rfind("# carl: the config as used, digest ", 0) == 0);
    REQUIRE(experiment::load_run(dir).config.provider.width == 10);
  }
  SECTION("a bad config") {
    ca::write_durably(dir, "config.yaml",
                      "provider:\n  rule: B3/S23\n  height: 8\n  width: 10\n  steps: 3\n"
                      "  density: .nan\n");
    REQUIRE_THAT(error_of([&] { experiment::load_run(dir); }),
                 Catch::Contains(dir + "/config.yaml:6: provider.density"));
  }
  SECTION("a symlinked run directory") {
    ::symlink(dir.c_str(), (tmp.path() + "/link").c_str());
    REQUIRE_THAT(error_of([&] { experiment::load_run(tmp.path() + "/link"); }),
                 Catch::Contains("is a symbolic link (refused)"));
  }
  SECTION("a symlink inside the run directory") {
    ::symlink("/etc/passwd", (dir + "/net-0.json").c_str());
    REQUIRE_THAT(error_of([&] { experiment::load_run(dir); }),
                 Catch::Contains(dir + "/net-0.json: a symbolic link in the run directory"));
  }
}

TEST_CASE("durable writes never follow a planted link", "[run_dir][hostile]") {
  test::TempDir tmp;
  const std::string victim = tmp.path() + "/victim";
  ca::write_text_file(victim, "precious\n");
  const RunDir d = RunDir::create(tmp.path() + "/runs", "x");
  // A link where the file goes, and one where its temporary goes.
  ::symlink(victim.c_str(), (d.path() + "/rule.json").c_str());
  ::symlink(victim.c_str(), (d.path() + "/rounds.jsonl.tmp").c_str());
  d.write("rule.json", "{}\n");
  d.write("rounds.jsonl", "x\n");
  REQUIRE(ca::read_text_file(victim) == "precious\n");
  struct stat st {};
  REQUIRE(::lstat((d.path() + "/rule.json").c_str(), &st) == 0);
  REQUIRE(S_ISREG(st.st_mode));  // the link was replaced, not followed
  REQUIRE(ca::read_text_file(d.path() + "/rule.json") == "{}\n");
  REQUIRE(ca::read_text_file(d.path() + "/rounds.jsonl") == "x\n");
  REQUIRE_FALSE(d.has("rounds.jsonl.tmp"));
  // Reading back refuses a link.
  ::symlink(victim.c_str(), (d.path() + "/rule.txt").c_str());
  REQUIRE_THAT(error_of([&] { d.read("rule.txt"); }), Catch::Contains("symbolic link"));
  // A trajectory is never overwritten.
  provider::TrajectoryStore store(d.path());
  store.save(soup_trajectory(4, 4, 1, 1), 0);
  REQUIRE_THAT(error_of([&] { store.save(soup_trajectory(4, 4, 1, 2), 0); }),
               Catch::Contains("trajectory-000.rle: already exists; carl never overwrites it"));
  REQUIRE(store.load().front() == soup_trajectory(4, 4, 1, 1));
  // A symlinked directory is refused for writing.
  ::symlink(tmp.path().c_str(), (tmp.path() + "/dirlink").c_str());
  REQUIRE_THAT(error_of([&] { ca::write_durably(tmp.path() + "/dirlink", "f", "x"); }),
               Catch::Contains("dirlink: the directory is a symbolic link (refused)"));
  REQUIRE_FALSE(std::filesystem::exists(tmp.path() + "/f"));
  // A write that fails (a directory where the file goes) leaves no temporary file behind.
  std::filesystem::create_directories(tmp.path() + "/taken");
  REQUIRE_THAT(error_of([&] { ca::write_durably(tmp.path(), "taken", "x"); }),
               Catch::Contains("taken: is a directory, not a regular file"));
  REQUIRE_FALSE(std::filesystem::exists(tmp.path() + "/taken.tmp"));
  // Nor is a FIFO (or a device: /dev/null, as root) replaced by a file renamed over it.
  REQUIRE(::mkfifo((tmp.path() + "/pipe").c_str(), 0600) == 0);
  REQUIRE_THAT(error_of([&] { ca::write_durably(tmp.path(), "pipe", "x"); }),
               Catch::Contains("pipe: is a FIFO, not a regular file"));
  REQUIRE(::lstat((tmp.path() + "/pipe").c_str(), &st) == 0);
  REQUIRE(S_ISFIFO(st.st_mode));
  REQUIRE_FALSE(std::filesystem::exists(tmp.path() + "/pipe.tmp"));
}

TEST_CASE("a run directory is written by one carl at a time", "[run_dir]") {
  test::TempDir tmp;
  std::optional<RunDir> fresh = RunDir::create(tmp.path() + "/runs", "life");
  fresh->write("config.yaml", "name: life\n");
  const std::string dir = fresh->path();
  const std::string held = dir + ": another carl is writing this run directory";
  // The fresh run holds it, and so does each copy: a writer is refused, a reader is not.
  std::optional<RunDir> copy = *fresh;
  fresh.reset();
  REQUIRE_THAT(error_of([&] { RunDir::open_for_writing(dir); }), Catch::Contains(held));
  REQUIRE(RunDir::open(dir).path() == dir);
  copy.reset();  // the last copy gone, the lock is released
  std::optional<RunDir> resumed = RunDir::open_for_writing(dir);
  REQUIRE_THAT(error_of([&] { RunDir::open_for_writing(dir); }), Catch::Contains(held));
  resumed.reset();
  REQUIRE(RunDir::open_for_writing(dir).path() == dir);
}

TEST_CASE("fresh run directories: named in order, never through a link", "[run_dir]") {
  test::TempDir tmp;
  const std::string runs = tmp.path() + "/runs";
  std::filesystem::create_directories(runs);
  // A dangling link planted where the first run would go is skipped, not followed.
  ::symlink((tmp.path() + "/elsewhere").c_str(), (runs + "/life").c_str());
  REQUIRE(RunDir::create(runs, "life").path() == runs + "/life-2");
  REQUIRE(RunDir::create(runs, "life").path() == runs + "/life-3");
  REQUIRE_FALSE(std::filesystem::exists(tmp.path() + "/elsewhere"));
  REQUIRE_THAT(error_of([&] { RunDir::open(runs + "/life"); }),
               Catch::Contains("the directory is a symbolic link (refused)"));
  REQUIRE_THAT(error_of([&] { RunDir::open(runs + "/life-2"); }),
               Catch::Contains("not a run directory (no config.yaml)"));
}
