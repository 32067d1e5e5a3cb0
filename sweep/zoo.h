#pragma once
// The rule-zoo benchmark (`carl bench zoo`): the loop on suites of hidden rules × seeds ×
// regimes × settings, with the counting baselines on the same trajectories.
#include <string>
#include <vector>

namespace carl::sweep {

struct ZooOptions {
  bool quick = false;               // a smoke run: a few rules, one seed, the scarce regime
  int rules_per_suite = 0;          // 0: the mode's default
  int seeds = 0;                    // 0: the mode's default
  std::vector<std::string> suites;  // empty: all
  std::string out_dir = "bench/results";
  int jobs = 1;  // runs at once (each single-threaded)
  // > 1: this many runs at once in threads of this process, their committees trained in gathered
  // rounds (learner/training_batch.h); with jobs 1 only. The records equal one-at-a-time's.
  int batch = 1;
  std::string provider_exe;  // carl-provider
  // With jobs > 1: the argv of a worker process that runs the zoo's jobs (serve_zoo_jobs below:
  // carl's path and zoo_worker_arguments); each of the `jobs` runs in one such process
  // (sweep/workers.h says why). Empty: threads of this process, whose records may differ.
  std::vector<std::string> worker_command;
};

// Writes zoo-<date>.json and zoo-<date>.md (or zoo-quick.*) under out_dir; returns the
// Markdown path.
std::string run_zoo(const ZooOptions& options);

// The arguments after carl's path that make a worker process of run_zoo for the zoo `options`
// define (`bench zoo --rules … --seeds … [--quick] [--suites …] --worker`): every option that
// defines the job list, none that does not (--out, --jobs).
std::vector<std::string> zoo_worker_arguments(const ZooOptions& options);

// A worker process of run_zoo (ZooOptions::worker_command): serves the jobs of the zoo that
// `options` define by number (sweep/workers.h, serve_jobs).
int serve_zoo_jobs(const ZooOptions& options);

}  // namespace carl::sweep
