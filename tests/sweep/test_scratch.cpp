// sweep/scratch: a job's run directory is removed when the job ends and when carl is ended by
// SIGINT, SIGTERM or SIGHUP, which then ends carl as the signal would have.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include "support.h"
#include "sweep/scratch.h"

namespace fs = std::filesystem;

namespace {
// A child process that runs `prepare` (which returns a line for the parent), says that line on a
// pipe and waits for a signal. Returns its pid and the line.
std::pair<pid_t, std::string> child_waiting(const std::function<std::string()>& prepare) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    const std::string line = prepare() + "\n";
    if (::write(fds[1], line.data(), line.size()) != ssize_t(line.size())) ::_exit(3);
    ::close(fds[1]);
    for (;;) ::pause();  // until the parent's signal
  }
  ::close(fds[1]);
  std::string line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  return {pid, line};
}

// Sends `signal` and returns the child's wait status: killed with SIGKILL after 5 s if the signal
// did not end it (so that a test of a signal ignored fails rather than hangs).
int signal_and_wait(pid_t pid, int signal) {
  ::kill(pid, signal);
  int status = 0;
  pid_t ended = 0;
  for (int k = 0; k < 500 && ended == 0; ++k) {
    ended = ::waitpid(pid, &status, WNOHANG);
    if (ended == 0) ::usleep(10000);
  }
  if (ended == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  return status;
}

// A scratch directory with files in it (as a run leaves them), made in a child that `signal`
// then ends. Returns the directory's path and the child's wait status.
std::pair<std::string, int> scratch_then_signal(int signal) {
  std::optional<carl::sweep::ScratchDirectory> dir;  // the child's, never destroyed: it is killed
  const auto [pid, path] = child_waiting([&] {
    dir.emplace();
    for (const char* name : {"config.yaml", "trajectory-000.rle", "rounds.jsonl.tmp"})
      std::ofstream(dir->path() + "/" + name) << "x\n";
    return dir->path();
  });
  REQUIRE(fs::exists(path + "/trajectory-000.rle"));
  return {path, signal_and_wait(pid, signal)};
}
}  // namespace

TEST_CASE("a scratch directory is removed when the job ends", "[scratch]") {
  carl::test::TempDir tmp;
  const carl::test::ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  std::string path;
  {
    carl::sweep::ScratchDirectory dir;
    path = dir.path();
    REQUIRE(path.rfind(tmp.path() + "/carl-zoo-", 0) == 0);
    std::ofstream(path + "/trajectory-000.rle") << "x\n";
  }
  REQUIRE_FALSE(fs::exists(path));
}

TEST_CASE("a scratch directory is removed when SIGINT SIGTERM or SIGHUP ends carl", "[scratch]") {
  carl::test::TempDir tmp;
  const carl::test::ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    INFO(signal);
    const auto [path, status] = scratch_then_signal(signal);
    // Ended by the signal itself (the shell's 128 + signal), the directory gone with its files.
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == signal);
    REQUIRE_FALSE(fs::exists(path));
  }
  REQUIRE(fs::is_empty(tmp.path()));
}

TEST_CASE("a child about to exec gets the default end on SIGTERM even where carl ignored it",
          "[scratch]") {
  // A worker inherits an ignored SIGTERM through fork and exec: the one carl's end sends it
  // would be lost, and the worker would run its job on without carl.
  carl::test::TempDir tmp;
  const carl::test::ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  const carl::sweep::ScratchDirectory mine;  // the handler installed here, in the parent
  const auto [pid, ready] = child_waiting([] {
    ::signal(SIGTERM, SIG_IGN);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &blocked, nullptr);
    carl::sweep::default_end_signals_in_child();
    return std::string("ready");
  });
  REQUIRE(ready == "ready");
  const int status = signal_and_wait(pid, SIGTERM);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGTERM);
  // The parent's scratch directory is its own to remove: the child's end did not touch it.
  REQUIRE(fs::exists(mine.path()));
}
