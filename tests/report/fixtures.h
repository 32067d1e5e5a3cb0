#pragma once
// A plausible finished Life run, in memory, for the drawing and report tests.
#include <random>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "groups/orbits.h"
#include "report/run_data.h"

namespace carl::test {

inline report::RunData life_run() {
  report::RunData run;
  run.name = "life";
  run.reason = "certified: the complete rule predicted trajectory 2, which it had not trained on";
  run.halted = true;
  run.group = groups::Subgroup::parse("p4m");
  run.table = ca::parse_rule("B3/S23");
  const groups::Orbits orbits(run.group);
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const ca::Pattern q = ca::Pattern(p);
    const bool rep = orbits.representative(orbits.orbit_of(q)) == q;
    run.provenance[std::size_t(p)] = p % 97 == 5 ? extractor::Provenance::generalized
                                     : rep       ? extractor::Provenance::observed
                                                 : extractor::Provenance::symmetry;
  }
  run.trajectories = 3;
  run.rounds = 2;
  run.max_trajectories = 16;
  run.hidden_rule = "B3/S23";
  run.config_text = "provider:\n  rule: B3/S23\n  height: 24\n";
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n(0, 1);
  for (int k = 0; k < 8; ++k) {
    report::Kernel3 a, b;
    for (double& v : a) v = n(rng);
    for (double& v : b) v = n(rng);
    run.kernels_plain.push_back(a);
    run.kernels_g.push_back(b);
  }
  for (int r = 0; r < 2; ++r) {
    report::RoundPoint pt;
    pt.round = r;
    pt.trajectories = r + 1;
    pt.group = "p4m";
    pt.l1 = 0.02 / (r + 1);
    pt.l2 = 0.01 / (r + 1);
    pt.one_step = 0.005;
    pt.significant_orbits = 90 + 12 * r;
    pt.total_orbits = 102;
    pt.decision = r ? "halt" : "request";
    run.round_points.push_back(pt);
  }
  run.last = ca::simulate(run.table, ca::random_soup(24, 30, 0.3, 4), 12);
  ca::Trajectory y = run.last;
  for (std::size_t t = 3; t < y.frames.size(); ++t) y.frames[t].set(5, 5, !y.frames[t].at(5, 5));
  run.net_rollout = y;
  run.seconds = 3.5;
  return run;
}

}  // namespace carl::test
