#pragma once
// A child process with pipes to its stdin, stdout and stderr, started from an argv list without a
// shell (fork and execve; argv[0] looked up on PATH).
//
// Between carl and the program stands a small supervisor process (a fork of carl that never
// execs): it leads the program's own process group and gets a signal when carl dies, even by
// SIGKILL (PR_SET_PDEATHSIG), whereupon it ends that whole group, so the program's own children
// (a script's bgolly or sleep) die with carl too. The program itself also dies with the
// supervisor. Otherwise the supervisor waits for the program, kills what the program left in
// the group when it ends (carl may be dying: its pipes close before its death signal comes) and
// ends as the program ended, so pid() is the supervisor's (and the group's) id, and finish()
// describes the program's own exit ("exited with status 3", "was killed by signal 9"). Not covered:
// a process the program moves out of its group (setsid, setpgid) survives a kill -9 of carl.
//
// Ending the group (carl's death, a timeout, finish()'s deadline, the destructor) is SIGTERM to
// it, then SIGKILL once the program has exited or kGrace has passed: the program's SIGTERM trap
// gets its time; what the program leaves behind gets SIGKILL with it. The supervisor holds the
// read ends of the program's stdout and stderr, so that after carl's death its writes do not kill
// it with SIGPIPE before its trap runs.
//
// Every read has a deadline; on timeout the whole process group is ended and the supervisor
// reaped before the error is thrown, so no zombie and no grandchild is left.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace carl::provider {

using Clock = std::chrono::steady_clock;

// How long a provider's group has between SIGTERM and SIGKILL when carl ends it (a timeout, a
// provider that will not exit, carl's own death): long enough for a script's trap to remove its
// temporary files, short beside any timeout.
inline constexpr std::chrono::milliseconds kGrace{500};

// How a program ended: its waitpid status, or that carl ended it (it had not exited by the
// deadline finish() was given).
struct ProcessEnd {
  int status = 0;
  bool killed_by_carl = false;

  bool succeeded() const { return !killed_by_carl && status == 0; }
  // "exited with status 3", "was killed by signal 9"; when carl ended it, `what_it_did` (what the
  // caller saw: "closed its output", "stopped reading") + " but did not exit (carl killed it)".
  std::string describe(const char* what_it_did) const;
};

class ChildProcess {
 public:
  // Throws ProviderError when argv is empty or the program cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::vector<std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }  // the supervisor's, which is the process group's id
  const std::string& command() const { return command_; }

  // Throws ProviderError if the child has closed its stdin.
  void write_all(const std::string& bytes);
  void close_stdin();
  // A line without its '\n'; false at end of output. Throws ProviderError on timeout, and for a
  // line over kMaxLine bytes.
  static constexpr std::size_t kMaxLine = 1u << 16;
  // `waiting_for` names the line in the timeout's message ("its greeting").
  bool read_line(std::string& line, Clock::time_point deadline,
                 std::string_view waiting_for = "a reply line");
  // Appends up to n bytes; returns how many arrived before end of output.
  std::size_t read_exact(std::string& into, std::size_t n, Clock::time_point deadline);
  // Throws ProviderError when the output exceeds max_bytes.
  std::string read_to_eof(Clock::time_point deadline, std::size_t max_bytes = 1u << 30);

  // Waits until the deadline for the program to exit, then ends the group (SIGTERM, and SIGKILL
  // after kGrace); reaps it either way and says how the program ended.
  ProcessEnd finish(Clock::time_point deadline);
  bool running();
  std::string stderr_tail() const;  // the last line(s) it wrote to stderr, for error messages

 private:
  // Waits for stdout to be readable, draining stderr meanwhile; false on timeout.
  bool wait_readable(Clock::time_point deadline);
  [[noreturn]] void timeout(std::string_view waiting_for);
  void kill_and_reap();
  void end_group();

  std::string command_;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  bool reaped_ = false;
  bool group_ended_ = false;
  int status_ = 0;
  std::string out_buffer_;
  std::string err_tail_;
};

// How an exited child ended, from a waitpid status.
std::string describe_exit(int status);

}  // namespace carl::provider
