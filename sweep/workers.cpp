#include "sweep/workers.h"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <thread>

#include "ca/error.h"
#include "learner/training_batch.h"
#include "sweep/scratch.h"

namespace carl::sweep {

using nlohmann::json;

namespace {

// Waits for the worker to end and returns its wait status.
int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

void feed_worker_process(JobQueue& queue, const std::vector<std::string>& command,
                         const std::string& where) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    queue.fail(fmt::format("socketpair failed: {}", strerror(errno)), false);
    return;
  }
  std::vector<char*> argv;
  for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls until exec
    // Ended with the thread that feeds it, by SIGTERM, so that it removes its job's scratch
    // directory first (sweep/scratch.h); SIGKILL left one per worker.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    default_end_signals_in_child();
    ::dup2(sv[1], 0);
    ::dup2(sv[1], 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(sv[1]);
  if (pid < 0) {
    ::close(sv[0]);
    queue.fail(fmt::format("fork failed: {}", strerror(errno)), false);
    return;
  }
  FILE* in = ::fdopen(sv[0], "r");
  if (!in) {
    const int err = errno;
    ::close(sv[0]);  // the worker sees the end of its input and exits
    reap(pid);
    queue.fail(fmt::format("fdopen failed: {}", strerror(err)), false);
    return;
  }
  char* buf = nullptr;
  std::size_t cap = 0;
  while (const auto id = queue.next()) {
    const std::string ask = std::to_string(*id) + "\n";
    const bool sent = ::send(sv[0], ask.data(), ask.size(), MSG_NOSIGNAL) == ssize_t(ask.size());
    if (!sent || ::getline(&buf, &cap, in) <= 0) {
      std::fclose(in);
      const int status = reap(pid);
      const std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                              : WIFSIGNALED(status) ? fmt::format("signal {}", WTERMSIG(status))
                                                    : std::string("unknown status");
      queue.fail(fmt::format("the worker process for {} ended ({}) without its record",
                             queue.describe(*id), how),
                 false);
      std::free(buf);
      return;
    }
    try {
      const json answer = json::parse(buf);
      if (answer.contains("error"))
        queue.fail(answer["error"].get<std::string>(), answer.value("input", false));
      else
        queue.finish(*id, answer, where);
    } catch (const InputError& e) {
      queue.fail(e.what(), true);
    } catch (const std::exception& e) {
      queue.fail(e.what(), false);
    }
  }
  std::free(buf);
  std::fclose(in);  // end of input: the worker exits
  reap(pid);
}

void run_jobs_here(JobQueue& queue, const std::function<json(std::uint64_t)>& run_here,
                   const std::string& where) {
  while (const auto id = queue.next()) {
    try {
      queue.finish(*id, run_here(*id), where);
    } catch (const InputError& e) {
      queue.fail(e.what(), true);
    } catch (const std::exception& e) {
      queue.fail(e.what(), false);
    }
  }
}

BatchFigures run_jobs_batched(JobQueue& queue, int runs,
                              const std::function<json(std::uint64_t)>& run_here,
                              const std::string& where) {
  learner::TrainingBatch batch(runs);
  std::vector<std::thread> threads;
  try {
    for (int t = 0; t < runs; ++t)
      threads.emplace_back([&] {
        const learner::TrainingBatch::Seat seat(batch);
        run_jobs_here(queue, run_here, where);
      });
  } catch (const std::system_error& e) {
    // A thread that could not be started gives its seat back, so the others' rounds still start.
    batch.leave(runs - int(threads.size()));
    queue.fail(
        fmt::format("cannot start thread {} of --batch {}: {}", threads.size() + 1, runs, e.what()),
        false);
  }
  for (auto& t : threads) t.join();
  BatchFigures figures;
  const auto rounds = batch.rounds();
  for (const auto& round : rounds) figures.trainings += round.jobs;
  figures.rounds = int(rounds.size());
  std::fprintf(stderr, "%s--batch %d: %d trainings in %d rounds\n", where.c_str(), runs,
               figures.trainings, figures.rounds);
  return figures;
}

void run_jobs(JobQueue& queue, int jobs, const std::vector<std::string>& worker_command,
              const std::function<json(std::uint64_t)>& run_here, const std::string& where) {
  auto here = [&] { run_jobs_here(queue, run_here, where); };
  if (jobs == 1) return here();
  std::vector<std::thread> feeders;
  for (int t = 0; t < jobs; ++t)
    feeders.emplace_back([&] {
      if (worker_command.empty())
        here();
      else
        feed_worker_process(queue, worker_command, where);
    });
  for (auto& t : feeders) t.join();
}

void FirstFailure::throw_if_any() const {
  if (!failure_) return;
  if (failure_->second) throw InputError(failure_->first);
  throw InternalError(failure_->first);
}

std::string this_program() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    throw InternalError(
        fmt::format("cannot read /proc/self/exe (this program's path): {}", ec.message()));
  return self.string();
}

int serve_jobs(const std::function<json(std::uint64_t)>& run) {
  // Records go to the original stdout; anything else printed goes to stderr.
  const int records = ::dup(1);
  if (records < 0 || ::dup2(2, 1) < 0)
    throw InternalError(fmt::format("carl --worker: cannot set up stdout: {}", strerror(errno)));
  FILE* out = ::fdopen(records, "w");
  for (std::string line; std::getline(std::cin, line);) {
    json answer;
    try {
      answer = run(std::stoull(line));
    } catch (const InputError& e) {
      answer = json{{"error", e.what()}, {"input", true}};
    } catch (const std::exception& e) {
      answer = json{{"error", e.what()}, {"input", false}};
    }
    const std::string text = answer.dump() + "\n";
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0)
      return 3;  // the owner is gone
  }
  return 0;
}

}  // namespace carl::sweep
