#pragma once
// The active loop of DESIGN.md: ask the provider, learn, pick G, extract R_θ, decide.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiment/config.h"
#include "extractor/extractor.h"
#include "extractor/halting.h"
#include "provider/client.h"

namespace carl::experiment {

struct RoundRecord {
  int round = 0;
  int trajectories = 0;  // trained on in this round
  std::string group;
  std::string symmetry;  // the detector's summary
  int significant_orbits = 0, total_orbits = 0;
  int known_entries = 0;
  std::string support = "Moore";  // the cells the rule is taken to depend on
  double l1 = 0, l2 = 0, one_step = 0;
  // The seed's check when G was chosen or changed this round: L1 of a plain net and of the G-net
  // on the data (-1: not computed this round). A G whose net rolls out worse is rejected.
  double l1_plain = -1, l1_group = -1;
  std::string rejected_group;  // a group the check rejected this round
  // The previous round's rule, one step at a time, on the trajectories that arrived since
  // (unknown entries counted wrong; -1: none arrived).
  double prequential_error = -1;
  double noise_rate = 0;    // estimated share of observations that disagree with their majority
  double misread_rate = 0;  // a shown cell's misread rate as the settling test takes it: the
                            // config's provider.noise, else estimated (0: noise-free data)
  double risk_bound = -1;   // the risk policy's bound this round (-1: not computed)
  int train_steps = 0;      // of committee member 0
  bool converged = false;
  // False when noise-free data determined every entry, so that no net was trained (then l1 is -1
  // and the checkpoints and kernels are those of the last round that trained nets).
  bool nets_trained = true;
  double train_seconds = 0;
  double certify_error = -1;  // certified policy: R_θ's error on the fresh trajectory, if judged
  std::string decision;
};

struct Score {
  bool exact = false;
  int wrong = 0;    // known entries that differ from the hidden rule
  int unknown = 0;  // entries left unknown
  std::vector<int> wrong_patterns;
  std::string hidden_rule;
};

struct Outcome {
  std::string reason;   // why it stopped; for a halt, what is guaranteed
  bool halted = false;  // the policy halted (false: a budget ran out)
  std::string policy;
  std::optional<extractor::RiskBound> stated_bound;  // the risk policy's, when it halted
  double delta = 0;                                  // the risk policy's δ
  extractor::ExtractedRule rule;
  int trajectories = 0;  // used: stored ones and those asked of the provider
  int rounds = 0;
  std::optional<Score> score;
  std::vector<RoundRecord> records;
  // Committee member 0's first-layer 3×3 kernels at the end, for the report.
  std::vector<std::array<double, 9>> kernels;
  // The plain net's first-layer kernels (the one the seed's L1 check compared against).
  std::vector<std::array<double, 9>> plain_kernels;
};

// Where trajectories come from for a loop: stored ones first (resume), then the provider,
// started only when a new one is needed. Each new trajectory is written to the store and synced
// before the loop sees it.
class RunSource : public provider::TrajectorySource {
 public:
  RunSource(const Config& config, provider::TrajectoryStore store, std::string provider_exe);
  ~RunSource() override;
  provider::Shape shape() const override;
  std::optional<std::string> reveal() override;
  int stored() const { return static_cast<int>(stored_.size()); }
  int replayed() const override { return stored(); }
  int fresh() const { return fresh_; }  // asked of the provider in this process

 protected:
  ca::Trajectory fetch(int index) override;

 private:
  provider::TrajectorySource& live(int first_index);
  Config config_;
  provider::TrajectoryStore store_;
  std::string provider_exe_;
  std::vector<ca::Trajectory> stored_;
  std::unique_ptr<provider::TrajectorySource> live_;
  int fresh_ = 0;
};

struct LoopHooks {
  std::function<void(const RoundRecord&)> on_round;              // after each round
  std::function<void(const std::string&)> progress;              // "training …" notes
  std::function<void(const extractor::ExtractedRule&)> on_rule;  // R_θ of each round
};

// Runs the loop to a halt or a budget; the same config, seed and trajectories give the same
// rounds and the same rule.
Outcome run_loop(const Config& config, provider::TrajectorySource& source, const LoopHooks& hooks,
                 const std::string& checkpoint_dir = "");

Score score_against(const ca::RuleTable& learned, const std::string& hidden_rulestring);

}  // namespace carl::experiment
