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
  int jobs = 1;              // runs in parallel (each is single-threaded)
  std::string provider_exe;  // carl-provider
};

// Writes zoo-<date>.json and zoo-<date>.md (or zoo-quick.*) under out_dir; returns the
// Markdown path.
std::string run_zoo(const ZooOptions& options);

}  // namespace carl::sweep
