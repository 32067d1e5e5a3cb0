#pragma once
// `carl learn FILE.rle …`: learning from recorded trajectories, with no live provider.
//
// Each file holds one trajectory (T+1 RLE frames, as a run directory stores them or as
// `carl simulate --trajectory` writes them; all of one size). carl makes a run directory
// (runs/<name>, <name>-2 …) holding them as its stored trajectories and a config whose budget is
// exactly the recorded trajectories, then runs the loop over them: it halts when its policy
// halts on them, or stops and says what it would still need (another trajectory). The config
// (--config) supplies the learner, extractor, stopping and output settings; its provider section
// is replaced by the recordings' shape.
#include <string>
#include <vector>

#include "experiment/config.h"

namespace carl::experiment {

struct LearnOptions {
  std::vector<std::string> files;
  std::string config;  // optional YAML config
  std::string name;    // run name (default: the config's name, else the first file's stem)
  // argv that serves no trajectory and says why, stored as provider.command (never started:
  // the budget is the recordings).
  std::vector<std::string> no_provider;
};

// Returns the process exit status, as `carl run`: 0 when the policy halted, 1 when it stopped
// for want of trajectories. Writes the run directory's path into `run_dir` when given.
int learn_from_files(const LearnOptions& options, std::string* run_dir = nullptr);

// The stand-in provider.command a learn run stores (`carl learn --no-more N`: it serves no
// trajectory), and whether a stored config is such a run's: its budget is its N recordings.
std::vector<std::string> learn_stand_in(std::size_t recordings);
bool is_learn_run(const Config& config);

}  // namespace carl::experiment
