// Provider processes: their own process group, ended as a whole; they and their own children
// die with carl.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "ca/text_file.h"
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
  // A stand-in for carl: a process that starts the provider, then is killed with SIGKILL (no
  // destructor runs, nothing is sent to the provider).
  const pid_t carl = ::fork();
  if (carl == 0) {
    try {
      provider::Client c({kFakes + "spawns-helper"});
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  const int provider_pid = read_pid(pidfile);
  REQUIRE(alive(provider_pid));
  ::kill(carl, SIGKILL);
  int status = 0;
  ::waitpid(carl, &status, 0);
  REQUIRE(dies_soon(provider_pid));
  ::unsetenv("CARL_TEST_PIDFILE");
}

TEST_CASE("a provider's own child dies when carl is killed with SIGKILL", "[process]") {
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  ::setenv("CARL_TEST_PIDFILE", pidfile.c_str(), 1);
  // The stand-in for carl owns the provider, which has started a helper in the background;
  // the stand-in is killed with SIGKILL, so nothing of carl's runs to end the helper.
  const pid_t carl = ::fork();
  if (carl == 0) {
    try {
      provider::ChildProcess p({kFakes + "spawns-helper"});
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  const int helper = read_pid(pidfile + ".helper");
  REQUIRE(alive(helper));
  ::kill(carl, SIGKILL);
  int status = 0;
  ::waitpid(carl, &status, 0);
  // A deadline, not a timing: the helper must be gone within 5 s.
  bool gone = false;
  for (int i = 0; i < 1000 && !gone; ++i) {
    gone = !alive(helper);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!gone) ::kill(helper, SIGKILL);  // do not leave it behind when the test fails
  REQUIRE(gone);
  ::unsetenv("CARL_TEST_PIDFILE");
}

TEST_CASE("a provider's own child dies when the provider ends before carl is killed", "[process]") {
  // When carl dies its pipes close before its children are told: a provider that reads its
  // input ends first. Here the provider ends on its own, leaving a helper; carl (the stand-in)
  // has not looked at it yet when it is killed with SIGKILL.
  test::TempDir tmp;
  const std::string pidfile = tmp.path() + "/pid";
  const pid_t carl = ::fork();
  if (carl == 0) {
    try {
      provider::ChildProcess p({"sh", "-c",
                                "sleep 1000 & echo $! > " + pidfile + ".helper; echo $$ > " +
                                    pidfile + "; exec cat > /dev/null"});
      p.close_stdin();
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  const int helper = read_pid(pidfile + ".helper");
  REQUIRE(dies_soon(read_pid(pidfile)));  // the provider has ended
  ::kill(carl, SIGKILL);
  int status = 0;
  ::waitpid(carl, &status, 0);
  bool gone = false;
  for (int i = 0; i < 1000 && !gone; ++i) {
    gone = !alive(helper);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!gone) ::kill(helper, SIGKILL);
  REQUIRE(gone);
}

TEST_CASE("how a provider ended is reported as the provider's own exit", "[process]") {
  const auto far = provider::Clock::now() + std::chrono::seconds(10);
  {
    provider::ChildProcess p({"sh", "-c", "echo 'out of soup' >&2; exit 3"});
    REQUIRE(p.finish(far) == "exited with status 3");
    REQUIRE(p.stderr_tail() == "; its stderr said: out of soup");
  }
  {
    provider::ChildProcess p({"sh", "-c", "kill -TERM $$"});
    REQUIRE(p.finish(far) == "was killed by signal 15");
  }
  {
    provider::ChildProcess p({"sh", "-c", "exec true"});
    REQUIRE(p.finish(far) == "exited with status 0");
  }
}

TEST_CASE("a program that cannot be started is a clear error", "[process]") {
  REQUIRE_THROWS_WITH(provider::ChildProcess({"carl-no-such-program"}),
                      Catch::Contains("'carl-no-such-program' could not be started: command "
                                      "not found"));
  REQUIRE_THROWS_WITH(provider::ChildProcess({CARL_SOURCE_DIR "/README.md"}),
                      Catch::Contains("could not be started: Permission denied"));
}
