// Provider processes: their own process group, ended as a whole; they and their own children
// die with carl.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ca/files.h"
#include "provider/client.h"
#include "provider/error.h"
#include "provider/process.h"
#include "support.h"

using namespace carl;

namespace {
const std::string kFakes = CARL_SOURCE_DIR "/tests/provider/fakes/";

// Alive and not a zombie (a zombie is dead; its reaping is init's business).
bool alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

bool dies_soon(int pid) {
  for (int i = 0; i < 400; ++i) {
    if (!alive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

int read_pid(const std::string& path) {
  for (int i = 0; i < 400; ++i) {
    std::ifstream f(path);
    int pid = 0;
    if (f >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("no pid in " << path);
  return 0;
}

// A stand-in for carl: a forked process that starts a provider as a P (a Client, or a bare
// ChildProcess) from `argv`, does `then` with it, and waits to be killed. Killed with SIGKILL, it
// runs no destructor and sends the provider nothing. Returns its pid.
template <class P>
pid_t fork_carl(const std::vector<std::string>& argv, void (*then)(P&) = nullptr) {
  const pid_t carl = ::fork();
  if (carl == 0) {
    try {
      P provider(argv);
      if (then) then(provider);
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  return carl;
}

// Kills the stand-in for carl with SIGKILL and reaps it.
void kill_carl(pid_t carl) {
  ::kill(carl, SIGKILL);
  int status = 0;
  ::waitpid(carl, &status, 0);
}

// A deadline, not a timing: whether `pid` is gone within 5 s. If not, it is killed, so that a
// failing test leaves nothing behind.
bool gone_by_deadline(int pid) {
  for (int i = 0; i < 1000; ++i) {
    if (!alive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  return false;
}
}  // namespace

TEST_CASE("a provider leads its own process group", "[process]") {
  provider::ChildProcess p({"sleep", "1000"});
  REQUIRE(::getpgid(p.pid()) == p.pid());
  REQUIRE(::getpgid(p.pid()) != ::getpgrp());
}

TEST_CASE("on a timeout the provider's own helper process is killed too", "[process]") {
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  ::setenv("CARL_TEST_PIDFILE", pidfile.c_str(), 1);
  provider::ClientOptions quick;
  quick.timeout_s = 0.3;
  provider::Client c({kFakes + "spawns-helper"}, quick);
  const int helper = read_pid(pidfile + ".helper");
  REQUIRE(alive(helper));
  REQUIRE_THROWS_WITH(c.next(), Catch::Contains("did not answer in time"));
  REQUIRE(dies_soon(helper));
  ::unsetenv("CARL_TEST_PIDFILE");
}

TEST_CASE("when carl is done with a provider, its process group ends", "[process]") {
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  ::setenv("CARL_TEST_PIDFILE", pidfile.c_str(), 1);
  int helper = 0;
  {
    provider::Client c({kFakes + "spawns-helper"});
    helper = read_pid(pidfile + ".helper");
    REQUIRE(alive(helper));
  }
  REQUIRE(dies_soon(helper));
  ::unsetenv("CARL_TEST_PIDFILE");
}

TEST_CASE("a provider that ignores its input dies when carl is killed with SIGKILL", "[process]") {
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  ::setenv("CARL_TEST_PIDFILE", pidfile.c_str(), 1);
  const pid_t carl = fork_carl<provider::Client>({kFakes + "spawns-helper"});
  const int provider_pid = read_pid(pidfile);
  REQUIRE(alive(provider_pid));
  kill_carl(carl);
  REQUIRE(dies_soon(provider_pid));
  ::unsetenv("CARL_TEST_PIDFILE");
}

TEST_CASE("a provider's own child dies when carl is killed with SIGKILL", "[process]") {
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  ::setenv("CARL_TEST_PIDFILE", pidfile.c_str(), 1);
  // The stand-in for carl owns the provider, which has started a helper in the background;
  // the stand-in is killed with SIGKILL, so nothing of carl's runs to end the helper.
  const pid_t carl = fork_carl<provider::ChildProcess>({kFakes + "spawns-helper"});
  const int helper = read_pid(pidfile + ".helper");
  REQUIRE(alive(helper));
  kill_carl(carl);
  REQUIRE(gone_by_deadline(helper));
  ::unsetenv("CARL_TEST_PIDFILE");
}

TEST_CASE("a provider's own child dies when the provider ends before carl is killed", "[process]") {
  // When carl dies its pipes close before its children are told: a provider that reads its
  // input ends first. Here the provider ends on its own, leaving a helper; carl (the stand-in)
  // has not looked at it yet when it is killed with SIGKILL.
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  const pid_t carl = fork_carl<provider::ChildProcess>(
      {"sh", "-c",
       "sleep 1000 & echo $! > " + pidfile + ".helper; echo $$ > " + pidfile +
           "; exec cat > /dev/null"},
      [](provider::ChildProcess& p) { p.close_stdin(); });
  const int helper = read_pid(pidfile + ".helper");
  REQUIRE(dies_soon(read_pid(pidfile)));  // the provider has ended
  kill_carl(carl);
  REQUIRE(gone_by_deadline(helper));
}

TEST_CASE("how a provider ended is reported as the provider's own exit", "[process]") {
  const auto far = provider::Clock::now() + std::chrono::seconds(10);
  {
    provider::ChildProcess p({"sh", "-c", "echo 'out of soup' >&2; exit 3"});
    REQUIRE(p.finish(far).describe("closed its output") == "exited with status 3");
    REQUIRE(p.stderr_tail() == "; its stderr said: out of soup");
  }
  {
    provider::ChildProcess p({"sh", "-c", "kill -TERM $$"});
    REQUIRE(p.finish(far).describe("closed its output") == "was killed by signal 15");
  }
  {
    provider::ChildProcess p({"sh", "-c", "exec true"});
    const provider::ProcessEnd end = p.finish(far);
    REQUIRE(end.succeeded());
    REQUIRE(end.describe("closed its output") == "exited with status 0");
  }
  {  // Killed at the deadline by carl: not reported as the provider's own "killed by signal 9".
    provider::ChildProcess p({"sh", "-c", "exec >&-; exec sleep 100"});
    const provider::ProcessEnd end =
        p.finish(provider::Clock::now() + std::chrono::milliseconds(200));
    REQUIRE(end.killed_by_carl);
    REQUIRE_FALSE(end.succeeded());
    REQUIRE(end.describe("closed its output") ==
            "closed its output but did not exit (carl killed it)");
  }
}

namespace {
// A provider whose SIGTERM trap leaves a mark (as scripts/golly-provider's removes its temporary
// directory), then exits; it writes its pid to mark.pid once the trap is set, then never answers.
// The trap writes to stdout and stderr first, and the shell reports its killed `sleep` on stderr:
// once carl is dead, those pipes had no reader, and SIGPIPE killed it before its mark.
std::vector<std::string> cleans_up_on_sigterm(const std::string& mark) {
  return {"sh", "-c",
          "trap 'echo bye; echo bye >&2; echo cleaned > " + mark + "; exit 0' TERM; echo $$ > " +
              mark + ".pid; echo ready; while :; do sleep 0.01; done"};
}

bool marked_by_deadline(const std::string& mark) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream f(mark);
    std::string word;
    if (f >> word && word == "cleaned") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}
}  // namespace

TEST_CASE("a provider that carl ends gets SIGTERM and time to clean up before SIGKILL",
          "[process]") {
  test::TempDir tmp;
  const std::string mark = tmp.path() + "/mark";
  SECTION("at a timeout") {
    provider::ChildProcess p(cleans_up_on_sigterm(mark));
    std::string line;
    REQUIRE(p.read_line(line, provider::Clock::now() + std::chrono::seconds(10)));
    REQUIRE_THROWS_WITH(p.read_line(line, provider::Clock::now() + std::chrono::milliseconds(100)),
                        Catch::Contains("did not answer in time"));
    REQUIRE(marked_by_deadline(mark));
  }
  SECTION("when it does not exit by finish's deadline") {
    provider::ChildProcess p(cleans_up_on_sigterm(mark));
    REQUIRE(p.finish(provider::Clock::now() + std::chrono::milliseconds(100)).killed_by_carl);
    REQUIRE(marked_by_deadline(mark));
  }
  SECTION("when carl is killed with SIGKILL") {
    const pid_t carl = fork_carl<provider::ChildProcess>(cleans_up_on_sigterm(mark));
    read_pid(mark + ".pid");  // its trap is set
    kill_carl(carl);
    REQUIRE(marked_by_deadline(mark));
  }
}

TEST_CASE("a provider that ignores SIGTERM is killed after the grace", "[process]") {
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  provider::ChildProcess p(
      {"sh", "-c", "trap '' TERM; echo $$ > " + pidfile + "; exec >&-; while :; do :; done"});
  const int provider_pid = read_pid(pidfile);
  const auto deadline = provider::Clock::now() + std::chrono::milliseconds(100);
  REQUIRE(p.finish(deadline).killed_by_carl);
  // SIGTERM first: SIGKILL only after the grace (a lower bound, which load cannot break).
  REQUIRE(provider::Clock::now() - deadline >= provider::kGrace);
  REQUIRE(dies_soon(provider_pid));  // SIGKILL is sent; its delivery is not awaited
}

TEST_CASE("a program that cannot be started is a clear error", "[process]") {
  REQUIRE_THROWS_WITH(provider::ChildProcess({"carl-no-such-program"}),
                      Catch::Contains("'carl-no-such-program' could not be started: command "
                                      "not found"));
  REQUIRE_THROWS_WITH(provider::ChildProcess({CARL_SOURCE_DIR "/README.md"}),
                      Catch::Contains("could not be started: Permission denied"));
}
