#pragma once
// The built-in provider: a hidden rule and the recipe for its trajectories, and the protocol
// loop that serves them on a pair of streams (the carl-provider executable is a thin main).
#include <cstdint>
#include <cstdio>
#include <string>

#include "ca/rule_table.h"
#include "ca/trajectory.h"
#include "provider/protocol.h"

namespace carl::provider {

struct ProviderOptions {
  std::string rule;  // any rulestring ca::parse_rule accepts
  int height = 24;
  int width = 24;
  int steps = 12;
  double density = 0.3;
  double noise = 0.0;          // each shown cell flipped with this probability
  std::string mode = "torus";  // torus | window
  int world_scale = 4;         // window mode: world side = world_scale × window side
  std::uint64_t seed = 1;
  bool allow_reveal = false;
  int start_index = 0;  // the first request is trajectory start_index (resuming a run)
};

// Checks the options (InputError naming the option) and produces trajectory k: a fresh random
// soup of the world evolved T steps under the hidden rule; in window mode the central H×W window
// of a larger torus is shown; noise flips shown cells and never feeds back into the evolution.
// Trajectory k depends only on (options, k).
class HiddenRuleWorld {
 public:
  explicit HiddenRuleWorld(const ProviderOptions& options);
  Shape shape() const;
  ca::Trajectory trajectory(int k) const;
  const ca::RuleTable& rule() const { return rule_; }

 private:
  ProviderOptions options_;
  ca::RuleTable rule_;
};

// Serves the protocol until QUIT or end of input. Returns the process exit status.
int serve(const ProviderOptions& options, std::FILE* in, std::FILE* out);

}  // namespace carl::provider
