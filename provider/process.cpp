#include "provider/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "ca/files.h"
#include "provider/error.h"
#include "provider/limits.h"

extern char** environ;

namespace carl::provider {
namespace {

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw ProviderError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

}  // namespace

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "stopped";
}

namespace {

// argv[0] as execve wants it: as given when it holds a '/', else the first executable of that
// name on PATH (looked up here, before fork, so the child only makes system calls).
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// Why execve said ENOENT for a program that was found: a script's interpreter (its #! line) or
// an executable's loader is missing, not the program itself.
std::string missing_program(const std::string& program) {
  if (::access(program.c_str(), F_OK) != 0) return "command not found";
  std::ifstream f(program, std::ios::binary);
  char head[256] = {};
  f.read(head, sizeof head - 1);  // the #! line, not a whole binary
  std::string first(head, static_cast<std::size_t>(f.gcount()));
  first = first.substr(0, first.find('\n'));
  if (first.rfind("#!", 0) == 0) {
    std::string interpreter = first.substr(2);
    const auto begin = interpreter.find_first_not_of(" \t");
    interpreter = begin == std::string::npos ? "" : interpreter.substr(begin);
    interpreter = interpreter.substr(0, interpreter.find_first_of(" \t\r"));
    return fmt::format("its interpreter '{}' (its #! line) was not found",
                       printable(interpreter, 200));
  }
  return "the program exists, but a loader or interpreter it needs was not found";
}

// The supervisor: carl's child, the provider's parent. It leads the provider's process group,
// gets a signal when carl dies (even by SIGKILL) and then kills the whole group, the provider's
// own children included. When the provider ends, it kills what the provider left in the group
// and ends as the provider ended, so that carl reads the provider's own exit status. It runs in
// a copy of a possibly multi-threaded process and never execs, so it only makes
// async-signal-safe calls: fork, setpgid, prctl, sigprocmask, sigaction, sigpending, sigwait,
// sigtimedwait, waitpid, kill, dup2, close(_range), execve, _exit. Its standard streams are the
// provider's pipes on entry. Closes descriptors first…last (close_range, else one by one below
// fd_bound).
void close_fds(unsigned first, unsigned last, int fd_bound) {
  if (first > last || ::close_range(first, last, 0) == 0) return;
  for (unsigned fd = first; fd <= last && fd < static_cast<unsigned>(fd_bound); ++fd)
    ::close(static_cast<int>(fd));
}

// Closes every descriptor from 3 up but the three kept. Async-signal-safe: no allocation.
void close_all_but(int a, int b, int c, int fd_bound) {
  int keep[3] = {a, b, c};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2 - i; ++j)
      if (keep[j] > keep[j + 1]) {
        const int t = keep[j];
        keep[j] = keep[j + 1];
        keep[j + 1] = t;
      }
  unsigned from = 3;
  for (int k : keep) {
    if (k < static_cast<int>(from)) continue;
    if (static_cast<unsigned>(k) > from) close_fds(from, static_cast<unsigned>(k) - 1, fd_bound);
    from = static_cast<unsigned>(k) + 1;
  }
  close_fds(from, ~0u, fd_bound);
}

[[noreturn]] void supervise(pid_t carl, pid_t carl_group, int status_fd, int output_read,
                            int errors_read, int fd_bound, const char* program, char* const* args,
                            char* const* env) {
  // Every signal is blocked (none reaches a handler carl installed); SIGCHLD (the provider
  // ended) and SIGTERM (carl ended) are taken with sigwait.
  sigset_t all, waited, before;
  ::sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, &before);
  ::sigemptyset(&waited);
  ::sigaddset(&waited, SIGCHLD);
  ::sigaddset(&waited, SIGTERM);
  ::setpgid(0, 0);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGCHLD, &default_action, nullptr);  // never ignored: its exit must be seen
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != carl) ::_exit(127);  // carl died before prctl took effect
  // Only the provider's pipes, the exec-status pipe and the read ends of the provider's stdout
  // and stderr stay open: a copy of another pipe's end here would keep that pipe open after carl
  // closed it. The read ends are never read: held here, they keep the provider's writes from
  // failing with EPIPE (SIGPIPE, which kills it) once carl is dead, so that its SIGTERM trap runs
  // (a shell writes "Terminated" to stderr when its child is killed). Its end of file still
  // comes as the provider's write ends close.
  close_all_but(status_fd, output_read, errors_read, fd_bound);
  const pid_t supervisor = ::getpid();
  // carl died while this process was being set up: no provider is started only to be ended
  // before it could set its traps.
  sigset_t pending;
  if (::sigpending(&pending) == 0 && ::sigismember(&pending, SIGTERM) == 1) ::_exit(128 + SIGTERM);
  const pid_t provider = ::fork();
  if (provider == 0) {
    // In the group; dies with the supervisor too (should it be killed on its own).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != supervisor) ::_exit(127);
    ::sigprocmask(SIG_SETMASK, &before, nullptr);
    ::sigaction(SIGPIPE, &default_action, nullptr);  // carl ignores it; the provider must not
    ::execve(program, args, env);
    const int e = errno;
    [[maybe_unused]] const ssize_t n = ::write(status_fd, &e, sizeof e);
    ::_exit(127);
  }
  if (provider < 0) {
    const int e = errno;
    [[maybe_unused]] const ssize_t n = ::write(status_fd, &e, sizeof e);
    ::_exit(127);
  }
  // The pipes are the provider's alone now: carl sees their ends close when the provider's do.
  ::close(0);
  ::close(1);
  ::close(2);
  ::close(status_fd);
  while (true) {
    int got = 0;
    if (::sigwait(&waited, &got) != 0) continue;
    if (got == SIGTERM) {
      // carl ends the provider, or died: the group gets SIGTERM and kGrace to clean up (a
      // script's trap removes its temporary files), then SIGKILL, this process included. This
      // process's own SIGTERM stays blocked and pending.
      ::kill(0, SIGTERM);
      sigset_t child_ended;
      ::sigemptyset(&child_ended);
      ::sigaddset(&child_ended, SIGCHLD);
      const timespec slice{0, 10 * 1000 * 1000};
      for (long waited_ms = 0; waited_ms < kGrace.count(); waited_ms += 10) {
        int status = 0;
        if (::waitpid(provider, &status, WNOHANG) == provider) break;
        ::sigtimedwait(&child_ended, nullptr, &slice);
      }
      ::kill(0, SIGKILL);
      ::_exit(128 + SIGKILL);
    }
    int status = 0;
    if (::waitpid(provider, &status, WNOHANG) != provider) continue;
    // What the provider started ends with it, now: carl would end the group once it reaps this
    // process, but carl may be dying (its pipes close, ending a provider that reads them, before
    // its death signal comes). This process leaves the group first, to live and report the
    // exit; when carl's group is gone, carl is too, and the whole group ends.
    if (::setpgid(0, carl_group) == 0)
      ::kill(-supervisor, SIGKILL);
    else
      ::kill(0, SIGKILL);
    if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
    // Killed by a signal: end by the same signal, with its default action and unblocked, but
    // without a core dump (this process is a copy of carl's memory).
    const int by = WTERMSIG(status);
    ::prctl(PR_SET_DUMPABLE, 0);
    ::sigaction(by, &default_action, nullptr);
    sigset_t only;
    ::sigemptyset(&only);
    ::sigaddset(&only, by);
    ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
    ::kill(supervisor, by);
    ::_exit(128 + by);  // a signal whose default is not to end a process (cannot end one)
  }
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env) {
  if (argv.empty() || argv[0].empty()) throw ProviderError("provider command is empty");
  command_ = argv[0];
  // A child that dies while we write to it must give an error, not kill carl with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  const std::string program = resolve_program(argv[0]);
  if (program.empty())
    throw ProviderError(
        fmt::format("provider '{}' could not be started: command not found", printable(command_)));
  int in[2], out[2], err[2], status_pipe[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  make_pipe(status_pipe);
  // Everything the supervisor and the program need is built before fork: after it, they only
  // make async-signal-safe calls (they are copies of a possibly multi-threaded process).
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
  for (const auto& e : extra_env) env_store.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_store) env.push_back(e.data());
  env.push_back(nullptr);
  // Closing the descriptors carl has open is left to the supervisor, which does not exec; the
  // fallback bound is read here, before fork.
  const long open_max = ::sysconf(_SC_OPEN_MAX);
  const int fd_bound = open_max > 0 && open_max < (1 << 20) ? static_cast<int>(open_max) : 1 << 16;
  const pid_t parent = ::getpid(), parent_group = ::getpgrp();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    supervise(parent, parent_group, status_pipe[1], out[0], err[0], fd_bound, program.c_str(),
              args.data(), env.data());
  }
  const int fork_errno = errno;
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::close(status_pipe[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  int exec_errno = 0;
  if (pid > 0) {
    ::setpgid(pid, pid);  // also here, so that the group exists whichever runs first
    ssize_t n;
    while ((n = ::read(status_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
    }
    if (n != sizeof exec_errno) exec_errno = 0;  // end of file: execve succeeded
  }
  ::close(status_pipe[0]);
  if (pid < 0 || exec_errno != 0) {
    if (pid > 0) {
      int st = 0;
      while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
    }
    ::close(in_);
    ::close(out_);
    ::close(err_);
    in_ = out_ = err_ = -1;
    pid_ = -1;
    reaped_ = true;
    const int rc = pid < 0 ? fork_errno : exec_errno;
    throw ProviderError(fmt::format("provider '{}' could not be started: {}", printable(command_),
                                    rc == ENOENT ? missing_program(program) : std::strerror(rc)));
  }
  pid_ = pid;
}

ChildProcess::~ChildProcess() {
  if (in_ >= 0) ::close(in_);
  kill_and_reap();
  if (out_ >= 0) ::close(out_);
  if (err_ >= 0) ::close(err_);
}

void ChildProcess::end_group() {
  // The provider's process group: whatever it started that is still running. Once only, right
  // after the provider itself is reaped (its pid cannot have been reused as a group id while
  // members of its group live).
  if (group_ended_ || pid_ <= 0) return;
  group_ended_ = true;
  ::kill(-pid_, SIGKILL);
}

void ChildProcess::kill_and_reap() {
  if (pid_ <= 0) return;
  if (!reaped_) {
    // The supervisor passes SIGTERM on to the group and kills it after kGrace; SIGKILL from
    // here only when the supervisor itself does not end (stopped, or killed by its provider).
    bool ended = ::waitpid(pid_, &status_, WNOHANG) == pid_;
    if (!ended) {
      ::kill(pid_, SIGTERM);
      const auto give_up = Clock::now() + kGrace + std::chrono::milliseconds(500);
      while (!ended && Clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ended = ::waitpid(pid_, &status_, WNOHANG) == pid_;
      }
    }
    if (!ended) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
    }
    reaped_ = true;
  }
  end_group();
}

bool ChildProcess::running() {
  if (reaped_) return false;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void ChildProcess::write_all(const std::string& bytes) {
  if (ca::write_fully(in_, bytes)) return;
  // Say how it ended, as a reply that never came does: a provider that stops reading has usually
  // exited (its status and last stderr line tell why).
  const std::string why = std::strerror(errno);
  const std::string how =
      finish(Clock::now() + std::chrono::seconds(1)).describe("stopped reading");
  throw ProviderError(fmt::format("provider '{}' closed its input ({}): it {}{}",
                                  printable(command_), why, how, stderr_tail()));
}

void ChildProcess::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

bool ChildProcess::wait_readable(Clock::time_point deadline) {
  while (true) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    const int nfds = err_ >= 0 ? 2 : 1;
    const int rc = ::poll(fds, nfds, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) return false;
    if (nfds == 2 && (fds[1].revents & (POLLIN | POLLHUP))) {
      char buf[4096];
      const ssize_t n = ::read(err_, buf, sizeof buf);
      if (n > 0) {
        err_tail_.append(buf, static_cast<std::size_t>(n));
        if (err_tail_.size() > 2048) err_tail_.erase(0, err_tail_.size() - 2048);
      } else if (n == 0) {
        ::close(err_);
        err_ = -1;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) return true;
    // Past the deadline poll waits no more, and a provider that keeps stderr full must not keep
    // carl here for ever.
    if (Clock::now() >= deadline) return false;
  }
}

void ChildProcess::timeout(std::string_view waiting_for) {
  kill_and_reap();
  throw ProviderError(
      fmt::format("provider '{}' did not answer in time while carl waited for {}; "
                  "it was killed",
                  printable(command_), waiting_for));
}

bool ChildProcess::read_line(std::string& line, Clock::time_point deadline,
                             std::string_view waiting_for) {
  while (true) {
    const std::size_t nl = out_buffer_.find('\n');
    if (nl != std::string::npos) {
      line = out_buffer_.substr(0, nl);
      out_buffer_.erase(0, nl + 1);
      return true;
    }
    if (out_buffer_.size() > kMaxLine)  // not cut: its rest would be read as the next reply
      throw ProviderError(fmt::format(
          "provider '{}' wrote a line of over {} without a newline (no line of the protocol is "
          "that long): '{}…'",
          printable(command_), describe_bytes(kMaxLine), printable(out_buffer_.substr(0, 40))));
    if (!wait_readable(deadline)) timeout(waiting_for);
    char buf[65536];
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (out_buffer_.empty()) return false;
      line = out_buffer_;  // last line without '\n'
      out_buffer_.clear();
      return true;
    }
    out_buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

std::size_t ChildProcess::read_exact(std::string& into, std::size_t n, Clock::time_point deadline) {
  std::size_t got = std::min(n, out_buffer_.size());
  into.append(out_buffer_, 0, got);
  out_buffer_.erase(0, got);
  std::vector<char> buf(1 << 16);
  while (got < n) {
    if (!wait_readable(deadline)) timeout("a trajectory's frames");
    const ssize_t k = ::read(out_, buf.data(), std::min(buf.size(), n - got));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    into.append(buf.data(), static_cast<std::size_t>(k));
    got += static_cast<std::size_t>(k);
  }
  return got;
}

std::string ChildProcess::read_to_eof(Clock::time_point deadline, std::size_t max_bytes) {
  std::string all = std::move(out_buffer_);
  out_buffer_.clear();
  char buf[65536];
  while (true) {
    if (!wait_readable(deadline)) timeout("its output");
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    all.append(buf, static_cast<std::size_t>(n));
    if (all.size() > max_bytes)
      throw ProviderError(fmt::format("provider '{}' wrote over {} (the limit for its output)",
                                      printable(command_), describe_bytes(max_bytes)));
  }
  return all;
}

ProcessEnd ChildProcess::finish(Clock::time_point deadline) {
  ProcessEnd end;
  while (!reaped_) {
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      break;
    }
    if (Clock::now() >= deadline) {
      kill_and_reap();
      end.killed_by_carl = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  end_group();
  // Collect what is left of stderr for the message.
  if (err_ >= 0) {
    char buf[4096];
    ssize_t n;
    ::fcntl(err_, F_SETFL, O_NONBLOCK);
    while ((n = ::read(err_, buf, sizeof buf)) > 0)
      err_tail_.append(buf, static_cast<std::size_t>(n));
    if (err_tail_.size() > 2048) err_tail_.erase(0, err_tail_.size() - 2048);
  }
  end.status = status_;
  return end;
}

std::string ProcessEnd::describe(const char* what_it_did) const {
  return killed_by_carl ? fmt::format("{} but did not exit (carl killed it)", what_it_did)
                        : describe_exit(status);
}

std::string ChildProcess::stderr_tail() const {
  std::string t = err_tail_;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const std::size_t nl = t.rfind('\n');
  if (nl != std::string::npos) t = t.substr(nl + 1);
  if (t.empty()) return "";
  if (t.size() > 200) t = t.substr(t.size() - 200);
  return "; its stderr said: " + printable(t);
}

}  // namespace carl::provider
