// apps/carl.cpp's own promises, run as a user runs them: the built `carl` as a subprocess.
// --version, a mistyped subcommand named with the nearest valid one, the documented exit codes
// (README.md: 0 done, 1 stopped by its budget, 2 bad input, CLI11's parse errors included, 3
// internal), and the zoo's list of valid suites.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support.h"

namespace {

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr together
};

Result run_carl(const std::string& args, const std::string& cwd) {
  const std::string out = cwd + "/carl.out";
  const int rc =
      std::system(fmt::format("cd '{}' && '{}' {} > '{}' 2>&1", cwd, CARL_EXE, args, out).c_str());
  Result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

// Runs carl with its standard output a pipe whose reader is gone (closed before carl starts, so
// every write fails) and SIGPIPE at its default, as in a shell; stderr goes to `err`.
Result run_carl_into_closed_pipe(const std::vector<std::string>& args, const std::string& err) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGPIPE, SIG_DFL);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fds[1], 1);
    ::dup2(e, 2);
    std::vector<char*> argv{const_cast<char*>(CARL_EXE)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(CARL_EXE, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  int rc = 0;
  ::waitpid(pid, &rc, 0);
  Result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

}  // namespace

TEST_CASE("carl --version prints the project version from CMake", "[apps]") {
  carl::test::TempDir dir;
  const Result r = run_carl("--version", dir.path());
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output == std::string("carl ") + CARL_VERSION + "\n");
}

TEST_CASE("a mistyped subcommand is named, with the nearest valid one", "[apps]") {
  carl::test::TempDir dir;
  {
    const Result r = run_carl("simulat --rule B3/S23", dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("'simulat'") != std::string::npos);
    CHECK(r.output.find("did you mean 'simulate'?") != std::string::npos);
  }
  {
    const Result r = run_carl("inpsect runs/x", dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("did you mean 'inspect'?") != std::string::npos);
  }
  {  // one level down
    const Result r = run_carl("bench zo --quick", dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("'zo'") != std::string::npos);
    CHECK(r.output.find("did you mean 'zoo'?") != std::string::npos);
  }
  {  // nothing near: the valid ones are listed
    const Result r = run_carl("xyzzyplugh", dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("'xyzzyplugh'") != std::string::npos);
    CHECK(r.output.find("simulate") != std::string::npos);
    CHECK(r.output.find("did you mean") == std::string::npos);
  }
  {  // the word is escaped: ESC and the 8-bit CSI reached the terminal
    const Result r = run_carl("\"$(printf 'si\\033[2J\\233m')\"", dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("'si\\x1b[2J\\x9bm'") != std::string::npos);
    CHECK(r.output.find('\033') == std::string::npos);
  }
}

TEST_CASE("exit codes: 2 for bad input, CLI11's parse errors included", "[apps]") {
  carl::test::TempDir dir;
  // Good files, so that only the value under test is wrong.
  REQUIRE(run_carl("simulate --rule B3/S23 --soup 8x8 -o p.rle", dir.path()).status == 0);
  REQUIRE(run_carl("simulate --rule B3/S23 --soup 8x8 --steps 2 --trajectory -o t.rle", dir.path())
              .status == 0);
  std::ofstream(dir.path() + "/s.yaml")
      << "rules: [{rule: B3/S23}]\nregimes: [{name: t, side: 8, steps: 2, budget: 1}]\n";
  std::ofstream(dir.path() + "/c.yaml") << "provider:\n  rule: B3/S23\n  height: 8\n  width: 8\n"
                                           "output:\n  report: false\n";
  struct Case {
    const char* args;
    const char* why;
  };
  for (const Case c : {
           Case{"rule B3/S23x", "a bad rulestring (InputError)"},
           Case{"run no-such-config.yaml", "a file that does not exist (CLI11 validation)"},
           Case{"simulate --steps 3", "a required option missing (CLI11)"},
           Case{"rule B3/S23 --no-such-flag", "an unknown option (CLI11)"},
           Case{"", "no subcommand (CLI11)"},
           Case{"export", "a required argument missing (CLI11)"},
           // Values that were wrapped, defaulted or ignored without a word.
           Case{"simulate --rule B3/S23 --seed -1", "a negative seed (wrapped to 2^64-1)"},
           Case{"simulate --rule B3/S23 --seed 18446744073709551616", "a seed past 2^64-1"},
           Case{"simulate --rule B3/S23 --in p.rle --soup 8x8", "--soup beside --in (ignored)"},
           Case{"bench zoo --seeds 0", "no seeds (the default ran)"},
           Case{"bench zoo --rules -1", "negative rules (the default ran)"},
           Case{"bench zoo --suites dying dying", "a suite twice (its runs counted twice)"},
           Case{"bench zoo --rules 10000 --seeds 10000", "a zoo too large to hold in memory"},
           Case{"learn t.rle --name ''", "an empty name (the default ran)"},
           Case{"sweep s.yaml --out ''", "an empty --out (the default ran)"},
           Case{"run c.yaml --trust-provider", "--trust-provider without --resume (ignored)"},
       }) {
    const Result r = run_carl(c.args, dir.path());
    INFO(c.why << ": carl " << c.args << "\n" << r.output);
    CHECK(r.status == 2);
    // README.md: a one-line message naming it.
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK(r.output.rfind("carl: ", 0) == 0);
  }
  SECTION("an unknown option before the subcommand is named (was 'A subcommand is required')") {
    const Result r = run_carl("--bogus", dir.path());
    CHECK(r.status == 2);
    CHECK(r.output.rfind("carl: unknown option '--bogus'", 0) == 0);
    CHECK(run_carl("--version", dir.path()).status == 0);
  }
  SECTION("a hidden option's bad value is named (CLI11 names no hidden option)") {
    const Result r = run_carl("learn t.rle --no-more abc", dir.path());
    CHECK(r.status == 2);
    CHECK(r.output.rfind("carl: --no-more 'abc': not an integer", 0) == 0);
  }
  SECTION("what came from the command line is escaped") {
    const Result r = run_carl("run \"$(printf 'bad\\033[31mname.yaml')\"", dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find('\033') == std::string::npos);
    CHECK(r.output.find("bad\\x1b[31mname.yaml") != std::string::npos);
  }
  SECTION("an error that cannot be written is still exit 2, and output that cannot be is one") {
    // stderr full: the message's write threw and carl aborted (134); stdout full: exit 0.
    for (const char* args :
         {"rule B9/S23 2>/dev/full", "nosuchcmd 2>/dev/full", "rule B3/S23 >/dev/full",
          "simulate --rule B3/S23 --soup 8x8 >/dev/full"}) {
      INFO(args);
      const int rc =
          std::system(fmt::format("cd '{}' && '{}' {}", dir.path(), CARL_EXE, args).c_str());
      CHECK((WIFEXITED(rc) ? WEXITSTATUS(rc) : -1) == 2);
    }
  }
  SECTION("output to a pipe whose reader is gone is exit 2 with one line, not death by SIGPIPE") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"rule", "B3/S23"},
          std::vector<std::string>{"simulate", "--rule", "B3/S23", "--soup", "8x8", "--steps", "2",
                                   "--trajectory"}}) {
      const Result r = run_carl_into_closed_pipe(args, dir.path() + "/err");
      INFO(args[0] << ": " << r.output);
      CHECK(r.status == 2);  // 141 (128 + SIGPIPE) before
      CHECK(r.output == "carl: cannot write the standard output: Broken pipe\n");
    }
  }
  SECTION("help is not an error") {
    const Result r = run_carl("--help", dir.path());
    CHECK(r.status == 0);
    CHECK(r.output.find("simulate") != std::string::npos);
  }
}

TEST_CASE("paths on standard output are escaped as in error messages", "[apps]") {
  // A config, which may come from someone else, names the runs directory; the progress lines
  // printed it raw, so an escape sequence in it reached the terminal (a campaign's finding).
  carl::test::TempDir dir;
  std::ofstream(dir.path() + "/k.yaml") << "name: k\nprovider:\n  rule: B3/S23\n"
                                           "output:\n  runs_dir: \"e\\e[31mred\"\n";
  const Result run = run_carl("run k.yaml", dir.path());
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(run.output.find('\033') == std::string::npos);
  CHECK(run.output.find("starting -> e\\x1b[31mred/k") != std::string::npos);
  CHECK(run.output.find("run directory: e\\x1b[31mred/k (carl inspect e\\x1b[31mred/k)") !=
        std::string::npos);
  CHECK(run.output.find("report: e\\x1b[31mred/k/report.html") != std::string::npos);
  const Result exported = run_carl(
      "export \"$(printf 'e\\033[31mred/k')\" --rle \"$(printf 'f\\033]0;T\\007')\"", dir.path());
  INFO(exported.output);
  REQUIRE(exported.status == 0);
  CHECK(exported.output.find('\033') == std::string::npos);
  CHECK(exported.output.find("RLE files into f\\x1b]0;T\\x07") != std::string::npos);
}

TEST_CASE("carl run reports on its own run when others appear beside it", "[apps]") {
  // carl run had found its run directory by listing output.runs_dir before and after the run,
  // so a directory of the same name's family made meanwhile (another carl started at once) could
  // be taken for it. This provider makes nine such directories, each with a rule.json, while
  // the run goes on.
  carl::test::TempDir dir;
  std::ofstream(dir.path() + "/provide.sh")
      << "#!/bin/sh\nfor i in 2 3 4 5 6 7 8 9 10; do mkdir -p runs/k-$i && "
         "echo '{}' > runs/k-$i/rule.json; done\nexec '"
      << CARL_PROVIDER_EXE << "' --rule B3/S23 --height 16 --width 16 --steps 8 --seed 3\n";
  std::filesystem::permissions(dir.path() + "/provide.sh", std::filesystem::perms::owner_all);
  std::ofstream(dir.path() + "/k.yaml")
      << "name: k\nprovider:\n  command: [./provide.sh]\n  height: 16\n  width: 16\n"
         "  steps: 8\n  seed: 3\nlearner:\n  committee: 2\n";
  const Result run = run_carl("run k.yaml", dir.path());
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(
      std::filesystem::exists(dir.path() + "/runs/k-10/rule.json"));  // the provider did make them
  CHECK(run.output.find("report: runs/k/report.html (carl report runs/k)") != std::string::npos);
  CHECK(run.output.find("not written") == std::string::npos);
  CHECK(std::filesystem::exists(dir.path() + "/runs/k/report.html"));
}

TEST_CASE("exit code 1: a run stopped by its budget", "[apps]") {
  carl::test::TempDir dir;
  // Life needs a second trajectory to be certified; a budget of one stops the run first.
  std::ofstream(dir.path() + "/budget.yaml") << "name: budget\n"
                                                "provider:\n"
                                                "  rule: B3/S23\n"
                                                "  height: 16\n"
                                                "  width: 16\n"
                                                "  steps: 6\n"
                                                "learner:\n"
                                                "  committee: 1\n"
                                                "stopping:\n"
                                                "  policy: certified\n"
                                                "  max_trajectories: 1\n"
                                                "output:\n"
                                                "  report: false\n";
  const Result r = run_carl("run budget.yaml", dir.path());
  INFO(r.output);
  CHECK(r.status == 1);
}

TEST_CASE("a finished run's commands check their input before they print or draw", "[apps]") {
  carl::test::TempDir dir;
  std::ofstream(dir.path() + "/r.yaml")
      << "provider: {rule: B3/S23, height: 8, width: 8, steps: 2}\n"
         "learner: {committee: 1}\n"
         "stopping: {max_trajectories: 1}\n"
         "output: {report: false}\n";
  REQUIRE(run_carl("run r.yaml", dir.path()).status == 1);
  // The rule to compare with is read first: a bad one printed the whole inspection before it,
  // and an empty one was silently no comparison.
  for (const char* against : {"B9/S", "''"}) {
    const Result r = run_carl(fmt::format("inspect runs/r --against {}", against), dir.path());
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK(r.output.rfind("carl: rulestring", 0) == 0);
  }
  // A net that does not load is named, not left out of a picture captioned with its rollout.
  std::ofstream(dir.path() + "/runs/r/net-0.json") << "garbage";
  const Result report = run_carl("report runs/r", dir.path());
  INFO(report.output);
  CHECK(report.status == 2);
  CHECK(report.output.rfind("carl: runs/r/net-0.json: not a carl net checkpoint", 0) == 0);
  // An old LibTorch checkpoint this build cannot open is left out, as before.
  std::filesystem::remove(dir.path() + "/runs/r/net-0.json");
  std::ofstream(dir.path() + "/runs/r/net-0.pt") << "PK\x03\x04 not an archive";
  CHECK(run_carl("report runs/r", dir.path()).status == 0);
  // A malformed memory limit is named as itself, not as a line of the config checked against it.
  ::setenv("CARL_MEMORY_LIMIT", "bogus", 1);
  const Result limit = run_carl("run r.yaml", dir.path());
  ::unsetenv("CARL_MEMORY_LIMIT");
  INFO(limit.output);
  CHECK(limit.status == 2);
  CHECK(limit.output.rfind("carl: CARL_MEMORY_LIMIT: 'bogus' is not a size", 0) == 0);
  // The run keeps its name (the config's stem) when resumed from its stored config.yaml.
  const Result resumed = run_carl("run --resume runs/r", dir.path());
  INFO(resumed.output);
  CHECK(resumed.output.rfind("carl run r: resuming", 0) == 0);
}

TEST_CASE("carl bench zoo --suites nosuch lists the valid suites", "[apps]") {
  carl::test::TempDir dir;
  const Result r = run_carl("bench zoo --quick --suites nosuch --out zoo", dir.path());
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK(r.output.find("'nosuch'") != std::string::npos);
  for (const char* suite : {"named", "lifelike-random", "isotropic-random", "chiral-random",
                            "mirror-random", "map-random", "dying", "vonneumann"})
    CHECK(r.output.find(suite) != std::string::npos);
}

TEST_CASE("carl simulate --in: the pattern's torus is checked against the memory limit",
          "[apps][limits]") {
  // Only --soup's size (64x64 by default, unused with --in) was checked: 101 frames of a
  // 1024x1024 torus (about 404 MiB with the RLE text) ran on under a limit of 100 MiB, and a
  // glider with --steps 4000 --trajectory (a torus of 8003x8003 to grow into) ran the machine
  // out of memory.
  carl::test::TempDir dir;
  std::ofstream(dir.path() + "/glider.rle") << "x = 3, y = 3\nbo$2bo$3o!\n";
  ::setenv("CARL_MEMORY_LIMIT", "100M", 1);
  const Result r = run_carl(
      "simulate --rule B3/S23 --in glider.rle --torus 1024x1024 --steps 100 --trajectory -o t.rle",
      dir.path());
  const Result fits = run_carl(
      "simulate --rule B3/S23 --in glider.rle --torus 64x64 --steps 100 --trajectory -o t.rle",
      dir.path());
  // Nor is the unused --soup charged: 100001 frames of 8x8 fit where 64x64 ones would not.
  const Result small = run_carl(
      "simulate --rule B3/S23 --in glider.rle --torus 8x8 --steps 100000 --trajectory -o s.rle",
      dir.path());
  ::unsetenv("CARL_MEMORY_LIMIT");
  INFO(small.output);
  CHECK(small.status == 0);
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK(r.output ==
        "carl: carl simulate: 101 frames of 1024x1024 needs about 404.0 MiB, over the memory "
        "limit of 100.0 MiB (set CARL_MEMORY_LIMIT to change it)\n");
  CHECK(fits.status == 0);
}
