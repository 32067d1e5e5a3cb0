#pragma once
// `carl sweep`: runs the jobs of a sweep file (sweep/plan.h) into an output directory, resumably.
//
// The directory holds sweep.yaml (the sweep file as given; a different one is refused),
// records.jsonl (one zoo record plus "job" per finished job, appended and fsync'd as each job
// ends) and, once every job is done, summary.md and summary.html (records ordered by job id).
// Started again on the same directory it validates records.jsonl, drops a torn last line, skips
// the finished jobs and runs the rest. The records are the same whether the jobs ran in one
// process (`jobs` threads) or across MPI ranks; only their timing fields differ.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/plan.h"

namespace carl::sweep {

struct SweepOptions {
  std::string sweep_file;
  std::string out_dir;  // empty: beside the sweep file, named after it (NAME.sweep/)
  int jobs = 1;         // jobs at once (under MPI: on rank 0, beside handing out)
  std::string provider_exe;
  // With jobs > 1: the argv of a process that serves jobs (serve_jobs below: `carl sweep FILE
  // --worker`); each of the `jobs` runs in one such process, since LibTorch's CPU libraries are
  // not bit-reproducible under concurrent threads. Empty: threads of this process.
  std::vector<std::string> worker_command;
};

struct SweepResult {
  std::string out_dir;
  std::uint64_t jobs = 0, ran = 0;  // all jobs of the sweep; jobs run by this invocation
  std::string summary_md;           // empty on an MPI rank other than 0
};

// Runs the sweep: in this process, or, when started by mpirun with more than one rank, as one
// rank of an MPI sweep (rank 0 hands out job ids and writes; the others run jobs). InputError
// for a bad sweep file, a different sweep in out_dir or a bad records.jsonl line; a job's error
// stops the sweep (the records already written stay).
SweepResult run_sweep(const SweepOptions& options);

// A worker process of an in-process sweep (SweepOptions::worker_command): reads job ids from
// stdin, one a line, and answers each with one line on stdout: the job's record, or
// {"error": message, "input": true|false}; returns 0 at the end of its input. Whatever else the
// jobs print goes to stderr.
int serve_jobs(const std::string& sweep_file, const std::string& provider_exe);

// The records of out_dir/records.jsonl, validated against the plan (each line a record of the
// job its "job" field names, no job twice); a torn last line (no newline) is left out. InputError
// naming file:line otherwise. `valid_bytes`: the length of the file up to the last good line.
std::vector<nlohmann::json> read_records(const std::string& path, const SweepPlan& plan,
                                         std::uint64_t* valid_bytes = nullptr);

// A record with its timing fields removed: what must agree between two runs of the same job.
nlohmann::json without_timings(nlohmann::json record);

}  // namespace carl::sweep
