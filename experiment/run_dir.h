#pragma once
// The run directory, and the one place that creates, names, writes and reads it.
//
// runs/<name>/ (or <name>-2, -3 … when taken) holds config.yaml (as used), trajectory-NNN.rle,
// rounds.jsonl, net-K.json, rule.json and rule.txt. Every file carl writes there goes through
// RunDir::write (ca::write_durably: beside, fsync, rename, directory fsync, never through
// a symlink); a run directory that is a symlink is refused. Every file read back goes through
// load_run, which checks each field and answers with value types, or an InputError of one line
// naming the file and the field.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/rule_table.h"
#include "ca/trajectory.h"
#include "experiment/config.h"
#include "experiment/loop.h"
#include "extractor/extractor.h"
#include "groups/subgroup.h"
#include "provider/protocol.h"

namespace carl::experiment {

class RunDir {
 public:
  // A fresh directory runs_dir/<name>, or the first free <name>-k (created atomically with
  // mkdir, so two runs never share one; an existing entry of that name, a symlink included, is
  // skipped, never followed). Locked for writing, as by open_for_writing.
  static RunDir create(const std::string& runs_dir, const std::string& name);
  // An existing run directory: a real directory (not a symlink) holding config.yaml.
  static RunDir open(const std::string& path);
  // The same, held with an exclusive lock (flock on the directory) while this RunDir or a copy
  // lives: a second carl that would write the run (two `carl run --resume DIR` at once) is
  // refused with one line before it asks the provider for anything, so no trajectory is
  // requested twice. Readers (inspect, report) take no lock.
  static RunDir open_for_writing(const std::string& path);

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Durable write of one file in the directory (see ca/files.h).
  void write(const std::string& name, const std::string& bytes) const;
  std::string read(const std::string& name) const;  // refuses symlinks
  bool has(const std::string& name) const;
  // config.yaml, the config as used. Written with a first comment line holding the digest of
  // the text, so that a copy edited since (which would change a run's settings halfway) is
  // refused with one line by every reader; a copy without the line (stored before it) is taken
  // as it is. The digest stops accidents, not forgery. read_config answers the whole text.
  void write_config(const std::string& text) const;
  std::string read_config() const;
  // Removes the directory and what is in it (a fresh run that failed before its first
  // trajectory: no half-made directory is left behind).
  void remove() const;

 private:
  explicit RunDir(std::string path) : path_(std::move(path)) {}
  void lock();
  std::string path_;
  std::shared_ptr<const int> lock_;  // the locked directory's descriptor, closed by the last copy
};

// The shape every trajectory of a run with this config has.
provider::Shape run_shape(const Config& config);
// The trajectory budget of a run holding `stored` trajectories: its config's, or the number
// stored where that is more (a budget raised for a resumed session is not stored; every stored
// trajectory is replayed, and a resume must not stop short of its data and undo its result).
int run_budget(const Config& config, int stored);

// rule.json, checked.
struct StoredRule {
  std::string name;
  bool halted = false;
  std::string reason;
  groups::Subgroup group;
  std::string support = "Moore";
  std::uint16_t ignored_cells = 0;
  std::string policy;  // the halting policy
  // The risk policy's stated bound when it halted with one (stated_bound < 0: none).
  double stated_delta = -1, stated_confidence = -1, stated_bound = -1;
  bool complete = false;
  std::optional<std::string> rulestring;  // when complete; checked against the table
  int trajectories = 0;
  int rounds = 0;
  ca::RuleTable table;
  extractor::ProvenanceTable provenance{};
  std::array<int, 4> provenance_counts{};      // indexed by Provenance; checked against the entries
  std::vector<std::array<double, 9>> kernels;  // committee member 0's first-layer 3×3 kernels
  std::vector<std::array<double, 9>> plain_kernels;  // the plain net's (absent in older runs)
  std::optional<Score> score;
};

struct RunContents {
  std::string dir;
  std::string config_text;  // config.yaml as stored
  Config config;            // parsed and validated
  int trajectory_count = 0;
  std::vector<ca::Trajectory> trajectories;  // with_trajectories only; checked against the shape
  std::vector<RoundRecord> rounds;           // rounds.jsonl (empty when missing)
  std::optional<StoredRule> rule;            // rule.json (absent while a run is unfinished)
};

// Reads and validates a run directory. InputError (one line, naming the file and the field) for
// anything malformed: a symlinked directory or file, bad YAML/JSON, a missing key, a wrong type,
// an out-of-range value, a pattern outside [0, 511] or given twice, counts that disagree with
// the entries, a trajectory of the wrong shape, a gap in the trajectories' numbering.
RunContents load_run(const std::string& dir, bool with_trajectories = true);

// Parsers of the single files, for load_run, the tests and the fuzz targets. `source` names
// the file in errors.
StoredRule parse_rule_json(const std::string& text, const std::string& source);
RoundRecord parse_round_line(const std::string& line, const std::string& source, int line_no);
std::vector<RoundRecord> parse_rounds(const std::string& text, const std::string& source);

// What carl writes (the inverse of the parsers).
std::string rule_json_text(const Config& config, const Outcome& outcome);
std::string round_json_line(const RoundRecord& record);  // one line, no '\n'

}  // namespace carl::experiment
