// carl sweep: the sweep file's expansion and errors, records identical across --jobs and MPI
// ranks, and a sweep killed mid-way (kill -9) that resumes without redoing or losing a job.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "support.h"
#include "sweep/plan.h"
#include "sweep/sweep.h"

using nlohmann::json;
namespace sweep = carl::sweep;

namespace {

// Eight jobs on 8×8 tori, T=4, at most 3 trajectories, a committee of one: seconds in all.
const char* kTinySweep = R"(name: tiny
rules:
  - rule: B3/S23
  - rule: B2/S
  - random: {family: lifelike, count: 2, seed: 7}
regimes:
  - {name: tiny, from: scarce, side: 8, steps: 4, budget: 3}
seeds: 2
settings:
  - {name: one-net, committee: 1}
)";

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir + "/" + name) << text;
  return dir + "/" + name;
}

std::string parse_error(const std::string& text) {
  carl::test::TempDir dir;
  try {
    sweep::SweepPlan::parse(text, dir.path() + "/s.yaml");
  } catch (const carl::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// The one-line error SweepPlan::load gives for the sweep file at `path`.
std::string load_error(const std::string& path) {
  try {
    sweep::SweepPlan::load(path);
  } catch (const carl::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<json> records_of(const std::string& dir) {
  const auto plan = sweep::SweepPlan::load(dir + "/sweep.yaml");
  auto records = sweep::read_records(dir + "/records.jsonl", plan);
  std::sort(records.begin(), records.end(),
            [](const json& a, const json& b) { return a["job"] < b["job"]; });
  for (json& r : records) r = sweep::without_timings(r);
  return records;
}

// The uninterrupted one-process run of kTinySweep (computed once).
const std::vector<json>& reference_records() {
  static const std::vector<json> records = [] {
    static carl::test::TempDir dir;
    sweep::SweepOptions o;
    o.sweep_file = write_file(dir.path(), "tiny.yaml", kTinySweep);
    o.out_dir = dir.path() + "/out";
    o.provider_exe = CARL_PROVIDER_EXE;
    const auto r = sweep::run_sweep(o);
    REQUIRE(r.jobs == 8);
    REQUIRE(r.ran == 8);
    return records_of(o.out_dir);
  }();
  return records;
}

// Runs a shell command; its exit status.
int shell(const std::string& command) {
  const int s = std::system(command.c_str());
  return WIFEXITED(s) ? WEXITSTATUS(s) : 128;
}

std::size_t lines_in(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// Starts `command` (through sh) in a process group of its own and kills the whole group with
// SIGKILL once `path` holds at least `lines` lines. False if the command ended first.
bool kill_after_lines(const std::string& command, const std::string& path, std::size_t lines) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    if (lines_in(path) >= lines) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  for (int i = 0; i < 200 && kill(-pid, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // mpirun starts its ranks in process groups of their own, so they outlive the kill above:
  // every process whose command line names this output directory is killed too.
  const std::string out_dir = std::filesystem::path(path).parent_path().string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    if (cmdline.find(out_dir) != std::string::npos && std::stoi(name) != getpid())
      kill(std::stoi(name), SIGKILL);
  }
  // Then wait (up to 20 s) until none of them holds the sweep's lock on the records.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    for (int i = 0; i < 1000 && ::flock(fd, LOCK_EX | LOCK_NB) != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::close(fd);  // releases the lock, if taken
  }
  return true;
}

// Every job exactly once, and each record equal to the uninterrupted run's (with `outcomes`
// false: only the job's identity — rule, regime, setting, seed).
void require_complete_and_equal(const std::string& out, bool outcomes = true) {
  const std::vector<json> got = records_of(out);
  std::ifstream in(out + "/records.jsonl");
  std::set<std::uint64_t> ids;
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines)
    ids.insert(json::parse(line)["job"].get<std::uint64_t>());
  REQUIRE(lines == 8);
  REQUIRE(ids.size() == 8);
  REQUIRE(*ids.rbegin() == 7);
  const auto& want = reference_records();
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (outcomes) REQUIRE(got[i] == want[i]);
    for (const char* key : {"job", "suite", "rule", "regime", "setting", "seed"})
      REQUIRE(got[i][key] == want[i][key]);
  }
  REQUIRE(carl::ca::read_text_file(out + "/summary.md").find("| tiny | one-net |") !=
          std::string::npos);
}

}  // namespace

TEST_CASE("a sweep file expands into jobs in a fixed order", "[sweep]") {
  carl::test::TempDir dir;
  write_file(dir.path(), "rules.txt", "# two rules\nB3/S23\n\n  B36/S23  # HighLife\n");
  const auto plan = sweep::SweepPlan::parse(R"(rules:
  - file: rules.txt
  - suite: dying
    count: 2
regimes: [scarce, {name: small, from: standard, side: 32}]
seeds: [5, 9]
settings: [certified, {name: r2, from: risk, delta: 0.01}]
)",
                                            dir.path() + "/s.yaml");
  REQUIRE(plan.size() == 4 * 2 * 2 * 2);
  // rule-major, then regime, then seed, then setting
  const sweep::Job j = plan.job(0b10'1'1'1);  // rule 2, regime 1, seed 1, setting 1
  REQUIRE(j.rule.name == "B5678/S");
  REQUIRE(j.rule.suite == "dying");
  REQUIRE(j.regime.name == "small");
  REQUIRE(j.regime.side == 32);
  REQUIRE(j.regime.steps == 32);  // the rest from the zoo's standard regime
  REQUIRE(j.seed == 9);
  REQUIRE(j.setting.name == "r2");
  REQUIRE(j.setting.policy == "risk");
  REQUIRE(j.setting.delta == 0.01);
  REQUIRE(plan.job(8).rule.name == "B36/S23");  // the file's second line
  REQUIRE(plan.job(8).rule.suite == "rules.txt");
}

TEST_CASE("lifelike: all is every Life-like rule, B0 included, built lazily", "[sweep]") {
  const auto plan = sweep::SweepPlan::parse("rules: [{lifelike: all}]\n", "all.yaml");
  REQUIRE(plan.size() == 262144);
  // Job i is the rule with births i & 511 and survivals i >> 9, checked against the rulestring
  // parser on rules written out by hand.
  auto number = [](std::initializer_list<int> b, std::initializer_list<int> s) {
    std::uint64_t i = 0;
    for (int n : b) i |= 1u << n;
    for (int n : s) i |= 1u << (9 + n);
    return i;
  };
  REQUIRE(plan.job(number({3}, {2, 3})).rule.table == carl::ca::parse_rule("B3/S23"));
  REQUIRE(plan.job(number({0, 1, 8}, {})).rule.table == carl::ca::parse_rule("B018/S"));
  REQUIRE(plan.job(number({}, {0, 8})).rule.table == carl::ca::parse_rule("B/S08"));
  REQUIRE(plan.job(262143).rule.table == carl::ca::parse_rule("B012345678/S012345678"));
  std::set<std::string> names;
  for (std::uint64_t i = 0; i < 262144; i += 997) names.insert(plan.job(i).rule.name);
  REQUIRE(names.size() == (262144 + 996) / 997);
}

TEST_CASE("a random Life-like sample draws distinct rules, fixed by its seed", "[sweep]") {
  const auto a = sweep::SweepPlan::parse(
      "rules: [{random: {family: lifelike, count: 3000, seed: 3}}]\n", "a.yaml");
  const auto b = sweep::SweepPlan::parse(
      "rules: [{random: {family: lifelike, count: 3000, seed: 4}}]\n", "b.yaml");
  std::set<std::string> seen;
  int differ = 0;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const auto r = a.job(i).rule;
    REQUIRE(carl::ca::is_outer_totalistic(r.table));
    seen.insert(r.name);
    differ += r.name != b.job(i).rule.name;
    REQUIRE(r.name == sweep::SweepPlan::parse(
                          "rules: [{random: {family: lifelike, count: 3000, seed: 3}}]\n", "c")
                          .job(i)
                          .rule.name);
    if (i == 50) break;  // the re-parse is slow-ish; the rest below
  }
  for (std::uint64_t i = 51; i < 3000; ++i) {
    seen.insert(a.job(i).rule.name);
    differ += a.job(i).rule.name != b.job(i).rule.name;
  }
  REQUIRE(seen.size() == 3000);  // without replacement
  REQUIRE(differ > 2900);
}

TEST_CASE("a random von Neumann sample draws distinct rules: all 1024 at most", "[sweep]") {
  // Drawn with replacement, 5,000,000 were accepted and the first 150 held repeats.
  const auto plan = sweep::SweepPlan::parse(
      "rules: [{random: {family: vonneumann, count: 1024, seed: 5}}]\n", "v.yaml");
  REQUIRE(plan.size() == 1024);
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < plan.size(); ++i) {
    const auto r = plan.job(i).rule;
    // Outer-totalistic on the four edge neighbours: the corners never matter.
    for (int p = 0; p < carl::ca::kPatternCount; ++p)
      REQUIRE(r.table.output(carl::ca::Pattern(p)) == r.table.output(carl::ca::Pattern(p & 0xBA)));
    seen.insert(r.name);
  }
  REQUIRE(seen.size() == 1024);  // every one of them, once
}

TEST_CASE("a malformed sweep file is refused with one line naming the line", "[sweep]") {
  const std::pair<const char*, const char*> cases[] = {
      {"rules: [{rule: B3/S23}]\nregimes: [scarce]\nseedz: 2\n", "s.yaml:3: seedz: unknown key"},
      {"rules:\n  - rule: B3/S23\n    count: 2\n", "s.yaml:3: rules[0].count: unknown key"},
      {"rules:\n  - rule: B3/S23\nseeds: two\n", "s.yaml:3: seeds: expected an integer"},
      {"rules:\n  - rule: B3/S23\nregimes:\n  - {name: x, from: scarce, side: 2}\n",
       "s.yaml:4: regimes[0].side: 2 is outside [3, 4096]"},
      {"rules:\n  - rule: B3/S23\nregimes: [scarse]\n", "s.yaml:3: regimes[0]: 'scarse' is not"},
      {"rules:\n  - random: {family: lifelike, count: 300000}\n",
       "s.yaml:2: rules[0].random.count: 300000 is outside [1, 262144]"},
      {"rules:\n  - random: {family: vonneumann, count: 1025}\n",
       "s.yaml:2: rules[0].random.count: 1025 is outside [1, 1024]"},
      {"rules:\n  - random: {family: hexagonal, count: 3}\n",
       "s.yaml:2: rules[0].random.family: 'hexagonal' is not one of"},
      {"rules:\n  - rule: B9/S\n", "s.yaml:2: rules[0].rule:"},
      {"rules:\n  - {rule: B3/S23, suite: named}\n", "s.yaml:2: rules[0]: give exactly one of"},
      {"rules:\n  - rule: B3/S23\nsettings:\n  - {name: p, policy: maybe}\n",
       "s.yaml:4: settings[0].policy: 'maybe' is not one of"},
      {"rules:\n  - file: missing.txt\n", "missing.txt"},
      {"rules: [\n", "s.yaml:2: not valid YAML"},
      {"name: ~\nrules: [{rule: B3/S23}]\n", "s.yaml:1: name: expected a string"},
      {"rules: [{rule: B3/S23}]\n[a]: 1\n", "s.yaml:2: the sweep file: a key must be a name"},
      // The name is the default --out under sweeps/: '..' wrote into the working directory.
      {"name: ..\nrules: [{rule: B3/S23}]\n",
       "s.yaml:1: name: must be a non-empty name without '/'"},
      {"name: ../../x\nrules: [{rule: B3/S23}]\n",
       "s.yaml:1: name: must be a non-empty name without '/'"},
      // Nor invalid UTF-8 (written into every record, which JSON refuses), or a C1 control.
      {"name: a\xff\nrules: [{rule: B3/S23}]\n", "s.yaml:1: name: is not valid UTF-8"},
      {"name: \"a\\u009bb\"\nrules: [{rule: B3/S23}]\n",
       "s.yaml:1: name: must not contain control characters (U+0080 to U+009F)"},
      // A shape over the memory limit, named where it is written, not when its job starts.
      {"rules: [{rule: B3/S23}]\nregimes:\n  - scarce\n  - {name: big, side: 4096, steps: "
       "100000}\n",
       "s.yaml:4: regimes[1]: a trajectory of 100001 frames of 4096x4096 needs about"},
  };
  for (const auto& [text, want] : cases) {
    const std::string e = parse_error(text);
    INFO(text);
    REQUIRE_THAT(e, Catch::Contains(want));
    REQUIRE(e.find('\n') == std::string::npos);
  }
  // A bad line of a rules file is named by the file and its line.
  carl::test::TempDir dir;
  write_file(dir.path(), "rules.txt", "B3/S23\nB3/S2x\n");
  try {
    sweep::SweepPlan::parse("rules: [{file: rules.txt}]\n", dir.path() + "/s.yaml");
    FAIL("no error");
  } catch (const carl::InputError& e) {
    REQUIRE_THAT(e.what(), Catch::Contains("rules.txt:2:"));
  }
}

TEST_CASE("a file: source that cannot be opened is named by the sweep file, line, key and path",
          "[sweep]") {
  // Relative to the sweep file's directory, shown as opened, made absolute.
  carl::test::TempDir dir;
  std::filesystem::create_directory(dir.path() + "/sub");
  const std::string file = write_file(dir.path() + "/sub", "s.yaml",
                                      "name: x\nrules:\n  - rule: B3/S23\n  - file: nothere.txt\n");
  REQUIRE(load_error(file) == file + ":4: rules[1].file: " + dir.path() +
                                  "/sub/nothere.txt: cannot open: No such file or directory");
  // A directory is not a rules file.
  REQUIRE_THAT(parse_error("rules: [{file: .}]\n"),
               Catch::Contains("s.yaml:1: rules[0].file: ") &&
                   Catch::EndsWith("/.: cannot open: Is a directory"));
  // Given as a relative path, the sweep file is named as given and the rules file made absolute.
  const std::string real = std::filesystem::canonical(dir.path() + "/sub").string();
  const int rc = shell(fmt::format("cd {}/sub && {} sweep s.yaml --out {}/out 2> {}/err",
                                   dir.path(), CARL_EXE, dir.path(), dir.path()));
  REQUIRE(rc == 2);
  REQUIRE(carl::ca::read_text_file(dir.path() + "/err") ==
          "carl: s.yaml:4: rules[1].file: " + real +
              "/nothere.txt: cannot open: No such file or directory\n");
}

TEST_CASE("a rules file with a bad line or no rulestring is named as opened, with its key",
          "[sweep]") {
  // The bad line names the rules file (absolute, as opened) and its line; a file of comments only
  // names the sweep file, its line, the key and the rules file.
  carl::test::TempDir dir;
  write_file(dir.path(), "bad.txt", "B3/S23\n# a comment\nB9/S\n");
  write_file(dir.path(), "empty.txt", "# nothing here\n\n");
  const std::string sweep_file =
      write_file(dir.path(), "s.yaml", "name: x\nrules:\n  - file: bad.txt\n");
  REQUIRE_THAT(load_error(sweep_file), Catch::StartsWith(dir.path() + "/bad.txt:3: "));
  const std::string empty =
      write_file(dir.path(), "e.yaml", "name: x\nrules:\n  - rule: B3/S23\n  - file: empty.txt\n");
  REQUIRE(load_error(empty) ==
          empty + ":4: rules[1].file: " + dir.path() + "/empty.txt: holds no rulestring");
}

TEST_CASE("an integer outside its field's range is refused with the range, not as no integer",
          "[sweep]") {
  const std::pair<const char*, const char*> cases[] = {
      {"rules: [{rule: B3/S23}]\nseeds: [3, -1]\n",
       "/s.yaml:2: seeds: -1 is outside [0, 18446744073709551615]"},
      {"rules: [{rule: B3/S23}]\nseeds: [18446744073709551616]\n",
       "/s.yaml:2: seeds: 18446744073709551616 is outside [0, 18446744073709551615]"},
      {"rules: [{rule: B3/S23}]\nseeds: 5000000000\n",
       "/s.yaml:2: seeds: 5000000000 is outside [1, 10000]"},
      {"rules: [{rule: B3/S23}]\nseeds: -2\n", "/s.yaml:2: seeds: -2 is outside [1, 10000]"},
      {"rules:\n  - random: {family: map, count: 2, seed: -1}\n",
       "/s.yaml:2: rules[0].random.seed: -1 is outside [0, 18446744073709551615]"},
      {"rules:\n  - random: {family: lifelike, count: -5}\n",
       "/s.yaml:2: rules[0].random.count: -5 is outside [1, 262144]"},
      {"rules:\n  - {suite: named, count: 99999999999}\n",
       "/s.yaml:2: rules[0].count: 99999999999 is outside [1, 10000]"},
      {"rules: [{rule: B3/S23}]\nregimes:\n  - {name: x, side: 4294967299}\n",
       "/s.yaml:3: regimes[0].side: 4294967299 is outside [3, 4096]"},
      {"rules: [{rule: B3/S23}]\nregimes:\n  - {name: x, steps: -1}\n",
       "/s.yaml:3: regimes[0].steps: -1 is outside [1, 100000]"},
      {"rules: [{rule: B3/S23}]\nregimes:\n  - {name: x, budget: -99999999999}\n",
       "/s.yaml:3: regimes[0].budget: -99999999999 is outside [1, 100000]"},
      {"rules: [{rule: B3/S23}]\nsettings:\n  - {name: x, committee: 2147483648}\n",
       "/s.yaml:3: settings[0].committee: 2147483648 is outside [1, 64]"},
      // Not an integer at all: still said so.
      {"rules: [{rule: B3/S23}]\nseeds: [1.5]\n",
       "/s.yaml:2: seeds: expected an integer, got '1.5'"},
  };
  for (const auto& [text, want] : cases) {
    INFO(text);
    REQUIRE_THAT(parse_error(text), Catch::EndsWith(want));
  }
  // The ends of the ranges are taken.
  carl::test::TempDir dir;
  const auto plan = sweep::SweepPlan::parse(
      "rules: [{random: {family: map, count: 1, seed: 18446744073709551615}}]\n"
      "regimes: [{name: x, side: 3, steps: 100000, budget: 1}]\n"
      "seeds: [0, 18446744073709551615, +7, 0x10]\n",
      dir.path() + "/s.yaml");
  REQUIRE(plan.size() == 4);
  REQUIRE(plan.job(0).seed == 0);
  REQUIRE(plan.job(1).seed == 18446744073709551615ull);
  REQUIRE(plan.job(2).seed == 7);
  REQUIRE(plan.job(3).seed == 16);
  REQUIRE(plan.job(0).regime.side == 3);
  REQUIRE(plan.job(0).regime.steps == 100000);
}

TEST_CASE("carl sweep: a bad sweep file is one line on stderr and exit 2", "[sweep]") {
  carl::test::TempDir dir;
  const std::string file = write_file(dir.path(), "bad.yaml",
                                      "rules:\n  - rule: B3/S23\nregimes: [scarce]\ncolour: 1\n");
  const int rc = shell(
      fmt::format("{} sweep {} --out {}/out 2> {}/err", CARL_EXE, file, dir.path(), dir.path()));
  REQUIRE(rc == 2);
  const std::string err = carl::ca::read_text_file(dir.path() + "/err");
  REQUIRE(err == "carl: " + file +
                     ":4: colour: unknown key (known: name, rules, regimes, "
                     "settings, seeds)\n");
}

TEST_CASE("carl sweep --jobs 0 without mpirun is refused, not run one at a time", "[sweep]") {
  carl::test::TempDir dir;
  const std::string file = write_file(dir.path(), "tiny.yaml", kTinySweep);
  const int rc = shell(fmt::format("{} sweep {} --out {}/out --jobs 0 2> {}/err", CARL_EXE, file,
                                   dir.path(), dir.path()));
  REQUIRE(rc == 2);
  REQUIRE(carl::ca::read_text_file(dir.path() + "/err") ==
          "carl: --jobs 0 (rank 0 only hands out jobs) needs mpirun with several ranks; here "
          "give --jobs 1 or more\n");
  REQUIRE_FALSE(std::filesystem::exists(dir.path() + "/out/records.jsonl"));
}

TEST_CASE("a sweep's records are its jobs' own, and a finished or different sweep is not rerun",
          "[sweep]") {
  const auto& want = reference_records();
  REQUIRE(want.size() == 8);
  for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(want[i]["job"] == i);

  // A record is what run_job gives for that job by itself.
  carl::test::TempDir dir;
  const auto plan =
      sweep::SweepPlan::parse(kTinySweep, write_file(dir.path(), "tiny.yaml", kTinySweep));
  const sweep::Job j = plan.job(5);
  json direct = sweep::without_timings(
      sweep::run_job(j.rule, j.regime, j.setting, j.seed, CARL_PROVIDER_EXE));
  direct["job"] = 5;
  REQUIRE(direct == want[5]);

  // The command line: the same records, and the summary beside them.
  const int rc = shell(fmt::format("{} sweep {}/tiny.yaml --out {}/out > {}/log 2>&1", CARL_EXE,
                                   dir.path(), dir.path(), dir.path()));
  INFO(carl::ca::read_text_file(dir.path() + "/log"));
  REQUIRE(rc == 0);
  require_complete_and_equal(dir.path() + "/out");
  REQUIRE_THAT(carl::ca::read_text_file(dir.path() + "/out/summary.html"),
               Catch::Contains("<html"));
  // The summary sorts the runs by rule behaviour, and its pictures are files too.
  REQUIRE_THAT(carl::ca::read_text_file(dir.path() + "/out/summary.md"),
               Catch::Contains("## By rule behaviour"));
  for (const char* picture : {"trajectories", "against-count-g", "behaviours", "frontier"})
    REQUIRE(carl::ca::read_text_file(dir.path() + "/out/summary-" + picture + ".png")
                .rfind("\x89PNG", 0) == 0);

  // Started again on a finished directory: nothing runs again.
  REQUIRE(shell(fmt::format("{} sweep {}/tiny.yaml --out {}/out > {}/log2 2>&1", CARL_EXE,
                            dir.path(), dir.path(), dir.path())) == 0);
  REQUIRE_THAT(carl::ca::read_text_file(dir.path() + "/log2"),
               Catch::Contains("8 jobs (0 run now)"));
  REQUIRE(lines_in(dir.path() + "/out/records.jsonl") == 8);

  // A different sweep file on the same directory is refused.
  std::string other = kTinySweep;
  other.replace(other.find("seeds: 2"), 8, "seeds: 3");
  write_file(dir.path(), "other.yaml", other);
  REQUIRE(shell(fmt::format("{} sweep {}/other.yaml --out {}/out 2> {}/err", CARL_EXE, dir.path(),
                            dir.path(), dir.path())) == 2);
  REQUIRE_THAT(carl::ca::read_text_file(dir.path() + "/err"),
               Catch::Contains("holds a different sweep file"));
  // Nor are records without the sweep file they came with taken for this sweep's.
  std::filesystem::create_directories(dir.path() + "/foreign");
  std::filesystem::copy_file(dir.path() + "/out/records.jsonl",
                             dir.path() + "/foreign/records.jsonl");
  REQUIRE(shell(fmt::format("{} sweep {}/tiny.yaml --out {}/foreign 2> {}/err", CARL_EXE,
                            dir.path(), dir.path(), dir.path())) == 2);
  REQUIRE_THAT(carl::ca::read_text_file(dir.path() + "/err"),
               Catch::Contains("records.jsonl holds records but no sweep.yaml"));
  REQUIRE_FALSE(std::filesystem::exists(dir.path() + "/foreign/sweep.yaml"));
}

TEST_CASE("carl sweep --jobs 2 gives the same records as one job at a time", "[sweep]") {
  // Two worker processes. (Two threads would not do: LibTorch's CPU libraries are not
  // bit-reproducible under concurrent callers; docs/sweep.md.)
  carl::test::TempDir dir;
  const std::string file = write_file(dir.path(), "tiny.yaml", kTinySweep);
  REQUIRE(shell(fmt::format("{} sweep {} --jobs 2 --out {}/out > {}/log 2>&1", CARL_EXE, file,
                            dir.path(), dir.path())) == 0);
  require_complete_and_equal(dir.path() + "/out");
}

TEST_CASE("a sweep killed with kill -9 resumes without redoing or losing a job", "[sweep]") {
  reference_records();
  carl::test::TempDir dir;
  const std::string file = write_file(dir.path(), "tiny.yaml", kTinySweep);
  const std::string out = dir.path() + "/out";
  // Its killed workers leave their jobs' scratch directories in TMPDIR: here, not in /tmp.
  const std::string command = fmt::format(
      "mkdir -p {0}/tmp && TMPDIR={0}/tmp exec {1} sweep {2} --jobs 2 --out {3} 2>> {0}/log",
      dir.path(), CARL_EXE, file, out);
  REQUIRE(kill_after_lines(command, out + "/records.jsonl", 3));
  const std::size_t before = lines_in(out + "/records.jsonl");
  REQUIRE(before >= 3);
  REQUIRE(before < 8);
  // What a kill in the middle of an append leaves: a torn last line.
  {
    std::ofstream torn(out + "/records.jsonl", std::ios::app);
    torn << "{\"job\": 7, \"suite\": \"ran";
  }
  REQUIRE(shell(fmt::format("{} sweep {} --out {} > {}/log2 2>&1", CARL_EXE, file, out,
                            dir.path())) == 0);
  const std::string log = carl::ca::read_text_file(dir.path() + "/log2");
  INFO(log);
  REQUIRE_THAT(log, Catch::Contains("dropped a torn last line"));
  REQUIRE_THAT(log, Catch::Contains(fmt::format("8 jobs ({} run now)", 8 - before)));
  require_complete_and_equal(out);
}

TEST_CASE("a sweep ended by SIGTERM leaves no job's scratch directory behind", "[sweep]") {
  // With --jobs 1 the job runs in carl; with --jobs 2 in workers, which carl's end ends too.
  carl::test::TempDir dir;
  const std::string file = write_file(dir.path(), "tiny.yaml", kTinySweep);
  for (const int jobs : {1, 2}) {
    INFO(jobs);
    const std::string tmp = fmt::format("{}/tmp{}", dir.path(), jobs);
    std::filesystem::create_directories(tmp);
    // Sent once a job's directory exists; then carl's exit status, and whether one was seen.
    REQUIRE(
        shell(fmt::format(
            "cd {0} && (TMPDIR={1} exec {2} sweep tiny.yaml --jobs {3} --out out{3} > log 2>&1) "
            "& pid=$!; seen=0; for i in $(seq 2000); do "
            "if ls {1} | grep -q carl-zoo; then seen=1; break; fi; sleep 0.005; done; "
            "kill -TERM $pid; wait $pid; echo $? $seen > {0}/status",
            dir.path(), tmp, CARL_EXE, jobs)) == 0);
    REQUIRE(carl::ca::read_text_file(dir.path() + "/status") == "143 1\n");
    // The workers end a moment after carl: wait for them, 10 s at most.
    for (int k = 0; k < 1000 && !std::filesystem::is_empty(tmp); ++k)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(std::filesystem::is_empty(tmp));
  }
}

TEST_CASE("records.jsonl damaged before its last line is refused, naming the line", "[sweep]") {
  carl::test::TempDir dir;
  const auto plan =
      sweep::SweepPlan::parse(kTinySweep, write_file(dir.path(), "tiny.yaml", kTinySweep));
  const auto& good = reference_records();
  auto line = [&](json r) { return r.dump() + "\n"; };
  auto error = [&](const std::string& text) -> std::string {
    write_file(dir.path(), "records.jsonl", text);
    try {
      sweep::read_records(dir.path() + "/records.jsonl", plan);
    } catch (const carl::InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  REQUIRE_THAT(error(line(good[0]) + "garbage\n" + line(good[2])),
               Catch::Contains("records.jsonl:2: not a JSON record"));
  REQUIRE_THAT(error(line(good[0]) + line(good[0])),
               Catch::Contains("records.jsonl:2: job 0 is recorded twice"));
  json moved = good[1];
  moved["job"] = 0;  // job 1 is job 0's rule with seed 2
  REQUIRE_THAT(error(line(moved)), Catch::Contains("records.jsonl:1: job 0: seed is 2"));
  json far = good[1];
  far["job"] = 8;
  REQUIRE_THAT(error(line(far)), Catch::Contains("records.jsonl:1: job 8 is not in the sweep"));
  // A torn last line is no error: it is left out.
  write_file(dir.path(), "records.jsonl", line(good[0]) + "{\"job\": 1, \"su");
  std::uint64_t valid = 0;
  REQUIRE(sweep::read_records(dir.path() + "/records.jsonl", plan, &valid).size() == 1);
  REQUIRE(valid == line(good[0]).size());
}

// Under MPI (the CTest test `sweep_mpi`, label mpi): mpirun -n 2 on this machine.
TEST_CASE("mpirun -n 2: the same records as one process; killed, it resumes", "[.mpi]") {
  const std::string mpirun = CARL_MPIEXEC;
  if (mpirun.empty() || shell(mpirun + " --version > /dev/null 2>&1") != 0) {
    WARN("SKIPPED: no mpirun (carl built without MPI, or Open MPI's mpirun missing)");
    return;
  }
  const std::string launch =
      mpirun + " -n 2 --oversubscribe" + (geteuid() == 0 ? " --allow-run-as-root" : "");
  carl::test::TempDir dir;
  const std::string file = write_file(dir.path(), "tiny.yaml", kTinySweep);
  const int rc = shell(fmt::format("{} {} sweep {} --out {}/out > {}/log 2>&1", launch, CARL_EXE,
                                   file, dir.path(), dir.path()));
  INFO(carl::ca::read_text_file(dir.path() + "/log"));
  REQUIRE(rc == 0);
  require_complete_and_equal(dir.path() + "/out");
  // Both ranks ran jobs (rank 0 names the rank of each record it writes).
  const std::string log = carl::ca::read_text_file(dir.path() + "/log");
  REQUIRE_THAT(log, Catch::Contains("8 jobs (8 run now)"));
  REQUIRE_THAT(log, Catch::Contains("on rank 0") && Catch::Contains("on rank 1"));

  // kill -9 of every rank (and mpirun) after three records, then resume under mpirun.
  const std::string out = dir.path() + "/killed";
  REQUIRE(kill_after_lines(fmt::format("exec {} {} sweep {} --out {} 2>> {}/klog", launch, CARL_EXE,
                                       file, out, dir.path()),
                           out + "/records.jsonl", 3));
  const std::size_t before = lines_in(out + "/records.jsonl");
  REQUIRE(before < 8);
  const int resumed = shell(fmt::format("{} {} sweep {} --out {} > {}/log3 2>&1", launch, CARL_EXE,
                                        file, out, dir.path()));
  INFO(carl::ca::read_text_file(dir.path() + "/log3"));
  REQUIRE(resumed == 0);
  require_complete_and_equal(out);
}
