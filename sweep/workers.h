#pragma once
// Jobs run in worker processes: a job list's owner hands out job numbers, a worker process of
// carl runs each and answers with its record. Shared by `carl sweep --jobs N` and `carl bench
// zoo --jobs N`. Processes, not threads: a job that crashes or runs out of memory takes only its
// worker with it, and one job at a time in a process gives the same record in any process.
// (Threads give the same records too since carl's matrix products are serialised, learner/
// mlp_stack.cpp; `carl bench zoo --batch` runs its runs in threads.)
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace carl::sweep {

// What hands out job numbers and takes their records; called from several feeding threads.
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  // The next job to run; none when all are handed out, or after a failure.
  virtual std::optional<std::uint64_t> next() = 0;
  // Job `id` finished with `record`; `where` names the worker for progress lines.
  virtual void finish(std::uint64_t id, const nlohmann::json& record, const std::string& where) = 0;
  // A job failed with `message` (bad input when `input`): no more jobs should be handed out.
  virtual void fail(const std::string& message, bool input) = 0;
  // The job in words, for errors ("job 7 (B3/S23, scarce, …)").
  virtual std::string describe(std::uint64_t id) const = 0;
};

// Starts one worker process (`command`: its argv, e.g. `carl sweep FILE --worker`) and feeds it
// jobs from `queue` one at a time until none is left; the worker dies with the calling thread
// (PR_SET_PDEATHSIG). A worker that ends without answering fails the queue with the job named.
void feed_worker_process(JobQueue& queue, const std::vector<std::string>& command,
                         const std::string& where);

// Runs the queue's jobs, `jobs` at a time, until none is left: in this thread with `run_here` when
// `jobs` is 1, else each in a worker process (`worker_command`), or in threads with `run_here`
// when there is no worker command. An exception of
// run_here goes to queue.fail(). `jobs` 0: none run here.
void run_jobs(JobQueue& queue, int jobs, const std::vector<std::string>& worker_command,
              const std::function<nlohmann::json(std::uint64_t)>& run_here,
              const std::string& where);

// The queue's jobs, one after the other, in this thread with run_here (an exception goes to
// queue.fail()).
void run_jobs_here(JobQueue& queue, const std::function<nlohmann::json(std::uint64_t)>& run_here,
                   const std::string& where);

// What a batch did: the trainings its rounds held, and the rounds.
struct BatchFigures {
  int trainings = 0;
  int rounds = 0;
};

// The queue's jobs, `runs` at a time in threads of this process, each thread seated in one
// learner::TrainingBatch: the runs' training is gathered into rounds (on CUDA one stacked model;
// learner/training_batch.h). Each record equals the one run_jobs_here gives. A thread that cannot
// be started fails the queue (the others finish what they run).
BatchFigures run_jobs_batched(JobQueue& queue, int runs,
                              const std::function<nlohmann::json(std::uint64_t)>& run_here,
                              const std::string& where);

// The first failure reported to a job queue (the caller serialises), thrown once its feeders
// have stopped.
class FirstFailure {
 public:
  void note(const std::string& message, bool input) {
    if (!failure_) failure_ = std::make_pair(message, input);
  }
  explicit operator bool() const { return failure_.has_value(); }
  // InputError when the failure was bad input, else InternalError; nothing without a failure.
  void throw_if_any() const;

 private:
  std::optional<std::pair<std::string, bool>> failure_;
};

// The path of the running program (/proc/self/exe), for worker commands; InternalError when it
// cannot be read.
std::string this_program();

// The worker's side: reads job numbers from stdin, one a line, and answers each with one line on
// stdout: run(id), or {"error": message, "input": true|false} when it throws. Returns 0 at the
// end of its input, 3 when the owner is gone. Whatever else the jobs print goes to stderr.
int serve_jobs(const std::function<nlohmann::json(std::uint64_t)>& run);

}  // namespace carl::sweep
