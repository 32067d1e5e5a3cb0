// sweep/scratch: a job's run directory is removed when the job ends and when carl is ended by
// SIGINT, SIGTERM or SIGHUP, which then ends carl as the signal would have.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "support.h"
#include "sweep/scratch.h"

namespace fs = std::filesystem;

namespace {
// In a child process: makes a scratch directory with files in it (as a run leaves them), says
// its path on `fd`, then is sent `signal`. Returns the path and the child's wait status.
std::pair<std::string, int> scratch_then_signal(int signal) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    carl::sweep::ScratchDirectory dir;
    for (const char* name : {"config.yaml", "trajectory-000.rle", "rounds.jsonl.tmp"})
      std::ofstream(dir.path() + "/" + name) << "x\n";
    const std::string line = dir.path() + "\n";
    if (::write(fds[1], line.data(), line.size()) != ssize_t(line.size())) ::_exit(3);
    ::close(fds[1]);
    ::pause();  // until the parent's signal
    ::_exit(4);
  }
  ::close(fds[1]);
  std::string path;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') path += c;
  ::close(fds[0]);
  REQUIRE(fs::exists(path + "/trajectory-000.rle"));
  ::kill(pid, signal);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return {path, status};
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
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::signal(SIGTERM, SIG_IGN);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &blocked, nullptr);
    carl::sweep::default_end_signals_in_child();
    if (::write(fds[1], "r", 1) != 1) ::_exit(3);
    ::pause();
    ::_exit(4);
  }
  ::close(fds[1]);
  char c;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  ::close(fds[0]);
  ::kill(pid, SIGTERM);
  int status = 0;
  pid_t ended = 0;
  for (int k = 0; k < 500 && ended == 0; ++k) {  // 5 s at most; then it ignored SIGTERM
    ended = ::waitpid(pid, &status, WNOHANG);
    if (ended == 0) ::usleep(10000);
  }
  if (ended == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGTERM);
  // The parent's scratch directory is its own to remove: the child's end did not touch it.
  REQUIRE(fs::exists(mine.path()));
}
