#pragma once
// Inside sweep/ only: the one writer of a sweep's directory and the dispenser of its job ids,
// shared by the in-process run (sweep.cpp) and rank 0 of an MPI run (mpi_sweep.cpp).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep.h"
#include "sweep/workers.h"

namespace carl::sweep {

class Coordinator : public JobQueue {
 public:
  // Reads the sweep file, opens (or creates) the output directory and locks it against a second
  // sweep, refuses a different stored sweep file, reads back the finished jobs (cutting off a
  // torn last line).
  explicit Coordinator(const SweepOptions& options);
  ~Coordinator();
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;

  const SweepPlan& plan() const { return plan_; }
  const std::string& sweep_text() const { return text_; }
  const std::string& sweep_path() const { return options_.sweep_file; }

  // The next job id not yet finished nor handed out; none when all are, or after a failure.
  std::optional<std::uint64_t> next() override;
  // Checks a finished job's record against the plan, appends it to records.jsonl and syncs it.
  // `where` (e.g. "rank 1") goes into the progress line.
  void finish(const nlohmann::json& record, const std::string& where = "");
  void finish(std::uint64_t id, const nlohmann::json& record, const std::string& where) override;
  // A job failed: no more ids are handed out; run_sweep throws `message` (an InputError when
  // `input`, else an InternalError) once the running jobs are done.
  void fail(const std::string& message, bool input) override;
  std::string describe(std::uint64_t id) const override;
  // After every worker has stopped: throws the first failure, or writes the summaries when every
  // job has a record.
  SweepResult conclude();

 private:
  SweepOptions options_;
  std::string text_;
  SweepPlan plan_;
  int fd_ = -1;  // records.jsonl, open for appending, flock'ed
  std::mutex mutex_;
  std::vector<bool> done_;
  std::uint64_t cursor_ = 0, finished_ = 0, ran_ = 0;
  FirstFailure failure_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Job `id` of the plan run into its record (the zoo's record plus "job"). Errors are thrown
// with the job named.
nlohmann::json run_plan_job(const SweepPlan& plan, std::uint64_t id,
                            const std::string& provider_exe);

// Runs ids from coordinator.next() until none is left, options.jobs at a time: in this thread
// (one), in worker processes (options.worker_command) or in threads; a job's error is handed to
// coordinator.fail(). `where`: as for finish().
void run_local_jobs(Coordinator& coordinator, const SweepOptions& options,
                    const std::string& where = "");

// The number of processes the MPI launcher started (from its environment: Open MPI's
// OMPI_COMM_WORLD_SIZE, or PMI_SIZE); 1 when not started by one.
int launcher_world_size();
// Runs this process as one rank of an MPI sweep (sweep/mpi_sweep.cpp; without MPI at build time
// an InputError saying so).
SweepResult run_sweep_mpi(const SweepOptions& options);

}  // namespace carl::sweep
