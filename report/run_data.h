#pragma once
// What a run's pictures and report are drawn from: plain values, filled from a run directory
// (report/from_run.h) or built in memory (the tests). Every field a run may lack is optional or
// empty, and the drawing leaves out what is absent.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "ca/rule_table.h"
#include "ca/trajectory.h"
#include "extractor/extractor.h"
#include "groups/subgroup.h"

namespace carl::report {

struct RoundPoint {
  int round = 0;
  int trajectories = 0;
  std::string group;
  double l1 = 0, l2 = 0, one_step = 0;
  int significant_orbits = 0, total_orbits = 0;
  std::optional<double> plain_l1, g_l1;  // when the loop recorded them
  double seconds = 0;
  std::string decision;
};

using Kernel3 = std::array<double, 9>;  // row-major 3×3

struct RunData {
  std::string name;
  std::string reason;  // why it stopped
  bool halted = false;
  std::string guarantee;  // the stopping policy's stated guarantee, if any
  groups::Subgroup group;
  ca::RuleTable table;
  extractor::ProvenanceTable provenance{};
  int trajectories = 0;
  int rounds = 0;
  int max_trajectories = 0;                // the budget, 0 if unknown
  std::optional<std::string> hidden_rule;  // revealed after halting
  std::string config_text;                 // the config as used
  std::vector<Kernel3> kernels_plain;      // first layer of the plain net (round 0)
  std::vector<Kernel3> kernels_g;          // first layer of the final (G-)net
  std::vector<RoundPoint> round_points;
  ca::Trajectory last;                        // the last trajectory x_0 … x_T
  std::optional<ca::Trajectory> net_rollout;  // y_0 = x_0, y_1 … y_T, when a net was available
  bool torus = true;                          // false: window mode (no rule rollout drawn)
  double seconds = 0;                         // total training time over the rounds
};

}  // namespace carl::report
