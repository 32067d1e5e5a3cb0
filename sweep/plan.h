#pragma once
// A sweep file (docs/sweep.md) read into a plan: rule sources × regimes × seeds × settings. The
// plan is expanded lazily: job(id) builds one job from its id, so `lifelike: all` (262,144
// rules) is never held in memory. Job ids are positions in the expansion order: for each rule
// (sources in file order), each regime, each seed, each setting.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sweep/job.h"

namespace carl::sweep {

struct Job {
  std::uint64_t id = 0;
  HiddenRule rule;
  Regime regime;
  Setting setting;
  std::uint64_t seed = 1;
};

// The fields a record of `job` carries to say which job it is (suite, rule, regime, setting,
// seed), with the job's values.
std::vector<std::pair<const char*, nlohmann::json>> record_identity(const Job& job);
// Whether `record` says it is a record of `job` (every field of record_identity equal).
bool is_record_of(const nlohmann::json& record, const Job& job);

// The most jobs one sweep may hold.
inline constexpr std::uint64_t kMaxSweepJobs = 100'000'000;

class SweepPlan {
 public:
  // Parses a sweep file's text. `path` names the file in errors (path:line: key: problem, an
  // InputError) and anchors `file:` sources (relative to its directory). Unknown keys, wrong
  // types and out-of-range values are errors.
  static SweepPlan parse(const std::string& text, const std::string& path);
  static SweepPlan load(const std::string& path);

  const std::string& name() const { return name_; }
  std::uint64_t size() const;
  Job job(std::uint64_t id) const;  // InternalError unless id < size()

  struct Source;  // one entry of `rules:`

 private:
  std::string name_;
  std::vector<std::shared_ptr<const Source>> sources_;
  std::vector<std::uint64_t> source_start_;  // first rule index of each source
  std::uint64_t rules_ = 0;
  std::vector<Regime> regimes_;
  std::vector<std::uint64_t> seeds_;
  std::vector<Setting> settings_;
};

// The Life-like (outer-totalistic Moore) rule numbered `index` < 2^18: bit n of index & 511 is
// birth on n live neighbours (B0 included), bit n of index >> 9 survival on n.
ca::RuleTable lifelike_rule(std::uint32_t index);

}  // namespace carl::sweep
