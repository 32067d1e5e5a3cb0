#pragma once
// One job of the rule zoo or of a sweep: a hidden rule × regime × setting × seed, run through the
// loop and scored against the rule into one JSON record; and the zoo's summary of many records.
// `carl bench zoo` and `carl sweep` share these, so their records and summaries are the same.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ca/rule_table.h"

namespace carl::sweep {

// What the provider shows and how many trajectories a run may ask for.
struct Regime {
  std::string name;
  int side = 16, steps = 8;
  double density = 0.3, noise = 0.0;
  int budget = 16;  // trajectories, for carl and for the baselines
  std::string mode = "torus";
};

// The run settings a job varies (the rest are the loop's defaults).
struct Setting {
  std::string name, policy = "certified", objective = "balanced", symmetry = "data";
  int committee = 3;
  double delta = 0.001;  // risk policy
};

struct HiddenRule {
  std::string suite, name;  // name: the rulestring (or suite#seed for a sampled rule)
  ca::RuleTable table;
};

// The zoo's suites, by name, in the zoo's order.
const std::vector<std::string>& zoo_suite_names();
// The first `count` rules of a zoo suite (fewer where the suite is shorter: named 24, dying 8).
// InputError for an unknown suite.
std::vector<HiddenRule> zoo_suite(const std::string& name, int count);
// The zoo's regimes: scarce, standard, noisy-1%, window-noisy.
const std::vector<Regime>& zoo_regimes();
// The zoo's settings: certified, risk, risk-0.01, risk-0.0001, seed-policy, symmetry-function,
// symmetry-kernels.
const std::vector<Setting>& zoo_settings();

// Runs one job (a temporary run directory, removed after) and returns its record: the outcome,
// what it cost, the counting baselines on the same trajectories and the held-out errors. Every
// field but the timings (timing_fields()) is a function of the job alone.
nlohmann::json run_job(const HiddenRule& rule, const Regime& regime, const Setting& setting,
                       std::uint64_t seed, const std::string& provider_exe);
// The record fields that measure time.
const std::vector<std::string>& timing_fields();

struct ZooSummary {
  nlohmann::json rows;   // one object per suite × regime × setting, in order of first appearance
  std::string markdown;  // `# heading`, the explanation, the table, the risk policy's δ frontier
};
// Summarises records (in the order given). `seconds`: the whole run's wall time, for the footer.
ZooSummary summarize(const nlohmann::json& runs, const std::string& heading, double seconds);

}  // namespace carl::sweep
