#pragma once
// Runs, run directories and their reports: what `carl run` and `carl inspect` do.
//
// runs/<name>/ holds config.yaml (as used), trajectory-NNN.rle (each written and synced before
// use), rounds.jsonl (one JSON object per round), net-K.json (the committee), and on stopping
// rule.json (512 entries with provenance, the group, the rulestring) and rule.txt. The
// directory itself is created, written and read only through experiment/run_dir.h.
#include <optional>
#include <string>

#include "ca/rule_table.h"
#include "groups/subgroup.h"

namespace carl::experiment {

// `carl run CONFIG`: a new run directory (runs/<name>, or <name>-2, -3 … if taken), whose path
// goes to run_dir when given. Returns the process exit status: 0 when the policy halted, 1 when
// a budget ran out.
int run_experiment(const std::string& config_path, const std::string& provider_exe,
                   std::string* run_dir = nullptr);
struct ResumeOptions {
  // A config given with the run directory (`carl run CONFIG --resume DIR`): it must parse to
  // the stored config (every key but name, output.runs_dir, provider.timeout and the budget,
  // stopping.max_trajectories, which this session then uses; not a carl learn run's budget),
  // else an InputError naming the first key that differs. The stored
  // config's provider.command is run only when such a config was given (the user's own) or when
  // trust_provider is set; the built-in provider needs neither.
  std::string config;
  bool trust_provider = false;
};
// `carl run --resume DIR`: continues from the stored trajectories without asking for any again.
int resume_experiment(const std::string& run_dir, const std::string& provider_exe,
                      const ResumeOptions& options = {});
class RunDir;
// The same on a run directory this process already holds for writing (carl learn's fresh one).
int resume_experiment(const RunDir& dir, const std::string& provider_exe,
                      const ResumeOptions& options = {});
// `carl inspect DIR [--against RULE]`: the rule is read before anything is printed.
int inspect_run(const std::string& run_dir, const std::optional<std::string>& against);

// The table as a grid of orbit representatives: 3×3 glyphs ('#' alive, '.' dead) with the
// output under each (1, 0 or ? for unknown), `per_row` glyphs to a row.
std::string render_orbits(const ca::RuleTable& table, groups::Subgroup group, int per_row = 12);

}  // namespace carl::experiment
