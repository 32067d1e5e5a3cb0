#pragma once
// The built-in provider: a hidden rule and the recipe for its trajectories, and the protocol
// loop that serves them on a pair of streams (the carl-provider executable is a thin main).
#include <cstdint>
#include <cstdio>
#include <string>

#include "ca/rule_table.h"
#include "ca/trajectory.h"
#include "provider/parameters.h"
#include "provider/protocol.h"

namespace carl::provider {

// The world's parameters (provider/parameters.h) and where to start numbering.
struct ProviderOptions : WorldParameters {
  int start_index = 0;  // the first request is trajectory start_index (resuming a run)
};

// Checks the options (InputError naming the option, from the parameters' declarations) and produces
// trajectory k: a fresh random soup of the world evolved T steps under the hidden rule; in window
// mode the central H×W window of a larger torus is shown; noise flips shown cells and never feeds
// back into the evolution. Trajectory k depends only on (options, k).
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
