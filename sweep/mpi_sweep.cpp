// An MPI sweep (compiled only when CMake found MPI). Rank 0 reads the sweep file, owns the output
// directory (the Coordinator) and hands out job ids one at a time to the ranks that ask; it also
// runs jobs itself in `jobs` threads. Every other rank asks, runs the job, sends its record and
// asks again, until told to stop. Only rank 0's main thread calls MPI (MPI_THREAD_FUNNELED).
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "ca/error.h"
#include "sweep/coordinator.h"

namespace carl::sweep {
namespace {

using nlohmann::json;

enum Tag : int {
  kReady = 1,   // worker → 0: give me a job (empty)
  kRecord = 2,  // worker → 0: a finished job's record (JSON text); give me another
  kFailed = 3,  // worker → 0: first byte 'I' (input) or 'X' (internal), then the message
  kJob = 4,     // 0 → worker: one job id (uint64)
  kStop = 5,    // 0 → worker: no more jobs
};

// MPI_Init_thread on construction, MPI_Finalize on destruction.
class Session {
 public:
  Session() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED)
      throw InternalError("MPI gives no MPI_THREAD_FUNNELED: rank 0 cannot run jobs in threads");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~Session() { MPI_Finalize(); }
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

void send_text(const std::string& s, int to, int tag) {
  MPI_Send(s.data(), int(s.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// Rank 0 tells the others whether the sweep opened (and, if so, its file's path and text).
void broadcast_text(std::string& s) {
  long long n = static_cast<long long>(s.size());
  MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  s.resize(std::size_t(n));
  MPI_Bcast(s.data(), int(n), MPI_CHAR, 0, MPI_COMM_WORLD);
}

SweepResult coordinate(const Session& mpi, const SweepOptions& options) {
  std::optional<Coordinator> c;
  std::string opened = "!";
  try {
    c.emplace(options);
    opened = c->sweep_path() + '\n' + c->sweep_text();
  } catch (...) {
    broadcast_text(opened);  // "!": the workers stop; rank 0 reports the error
    throw;
  }
  broadcast_text(opened);

  std::fprintf(stderr, "carl sweep: MPI, %d ranks; rank 0 hands out jobs and runs %d at a time\n",
               mpi.size(), options.jobs);
  std::thread local([&] { run_local_jobs(*c, options, "rank 0"); });
  int working = mpi.size() - 1;
  while (working > 0) {
    int waiting = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &st);
    if (!waiting) {
      // Polling with a nap: Open MPI's blocking receive spins and would take a core from the jobs.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    int n = 0;
    MPI_Get_count(&st, MPI_CHAR, &n);
    std::string msg(std::size_t(n), '\0');
    MPI_Recv(msg.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    try {
      if (st.MPI_TAG == kRecord) c->finish(json::parse(msg), fmt::format("rank {}", st.MPI_SOURCE));
      if (st.MPI_TAG == kFailed) c->fail(msg.substr(1), !msg.empty() && msg[0] == 'I');
    } catch (const std::exception& e) {
      c->fail(fmt::format("rank {}: {}", st.MPI_SOURCE, e.what()), false);
    }
    if (const auto id = c->next()) {
      const unsigned long long job = *id;
      MPI_Send(&job, 1, MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE, kJob, MPI_COMM_WORLD);
    } else {
      MPI_Send(nullptr, 0, MPI_CHAR, st.MPI_SOURCE, kStop, MPI_COMM_WORLD);
      --working;
    }
  }
  local.join();
  return c->conclude();
}

void work(const SweepOptions& options) {
  std::string opened;
  broadcast_text(opened);
  if (opened == "!") return;
  const std::size_t nl = opened.find('\n');
  std::optional<SweepPlan> plan;
  try {  // the same file as rank 0's; a `file:` source must be readable here too
    plan.emplace(SweepPlan::parse(opened.substr(nl + 1), opened.substr(0, nl)));
    send_text("", 0, kReady);
  } catch (const InputError& e) {
    send_text(std::string("I") + e.what(), 0, kFailed);
  }
  while (true) {
    MPI_Status st;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    if (st.MPI_TAG == kStop) {
      MPI_Recv(nullptr, 0, MPI_CHAR, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return;
    }
    unsigned long long id = 0;
    MPI_Recv(&id, 1, MPI_UNSIGNED_LONG_LONG, 0, kJob, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    try {
      CARL_CHECK(plan, "a job for a rank without the sweep");
      send_text(run_plan_job(*plan, id, options.provider_exe).dump(), 0, kRecord);
    } catch (const InputError& e) {
      send_text(std::string("I") + e.what(), 0, kFailed);
    } catch (const std::exception& e) {
      send_text(std::string("X") + e.what(), 0, kFailed);
    }
  }
}

}  // namespace

SweepResult run_sweep_mpi(const SweepOptions& options) {
  const Session mpi;
  if (mpi.rank() == 0) return coordinate(mpi, options);
  work(options);
  return {options.out_dir, 0, 0, ""};
}

}  // namespace carl::sweep
