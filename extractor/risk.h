#pragma once
// The risk policy's statistics: an upper confidence bound on the share of a fresh trajectory's
// cell updates that the learned table predicts wrongly (or not at all).
//
// A fresh cell update can only be mispredicted when its pattern's class was never observed (on
// noise-free data an observed class's output is proven). So
//   wrong share ≈ (new classes per fresh trajectory) × (cells per such appearance) / (cells per
//                 trajectory) × (share of new classes the table gets wrong or leaves unknown).
// - New classes per trajectory: Good–Turing at the trajectory level. The number S1 of classes
//   seen in exactly one of n trajectories, divided by n, is an unbiased estimate of how many new
//   classes trajectory n brings after n−1 — at least as many as trajectory n+1 brings after n.
//   S1 is bounded above by a Poisson upper confidence limit. So is the number of classes that
//   the later half of the trajectories showed for the first time, over their count, and the
//   larger limit is taken: S1 estimates an expectation over all the data the provider could
//   give, and the data of a run that halts are those that happened to show few new classes.
// - Cells per appearance: the mean over the appearances of rare classes (seen in at most two
//   trajectories), at least 1 — or, when larger, what an appearance sets off by simulation
//   (simulated_appearance_cells): a class whose first appearance starts a cascade (a birth in a
//   soup that otherwise dies at once) costs every cell of the cascade, which no rare class seen so
//   far shows.
// - Share wrong: every trajectory tests the table of the round before it on the classes it shows
//   for the first time (right, wrong, or unknown: counted wrong); the share is bounded above by
//   a Clopper–Pearson limit. Before any test it is 1 (every unobserved class counted wrong).
// The two limits are taken at α/2 each (confidence 1 − α overall, by the union bound).
#include <cstdint>
#include <string>
#include <vector>

#include "ca/pattern_counts.h"
#include "ca/simulate.h"
#include "groups/orbits.h"

namespace carl::extractor {

// λ such that P(Poisson(λ) ≤ k) = alpha: the upper confidence limit of a Poisson mean.
double poisson_upper(long k, double alpha);
// P(Poisson(lambda) ≥ k), and its logarithm (exact far into the tail, where the chance itself
// underflows).
double poisson_tail(long k, double lambda);
double poisson_log_tail(long k, double lambda);
// p such that P(Binomial(n, p) ≤ k) = alpha (Clopper–Pearson upper limit); 1 when n = 0.
double binomial_upper(long k, long n, double alpha);
// p such that P(Binomial(n, p) ≥ k) = alpha (Clopper–Pearson lower limit); 0 when k = 0.
double binomial_lower(long k, long n, double alpha);

// Tests of earlier tables' entries on classes observed for the first time.
struct GuessTests {
  long right = 0;    // the table had the class, with the output the data then showed
  long wrong = 0;    // the table had it with the other output
  long unknown = 0;  // the table left it unknown
  long tests() const { return right + wrong + unknown; }
};
// Adds the tests that trajectory `fresh` makes of `table` (whose classes are `classes`), given the
// data seen before it.
void add_guess_tests(GuessTests& tests, const ca::RuleTable& table, const groups::Orbits& classes,
                     const ca::PatternCounts& before, const ca::PatternCounts& fresh);

// The cell updates in never-observed classes that one appearance of such a class brings into a
// trajectory, were the table wrong on it: the class's pattern is planted at (row, col) of frame t
// of a stored trajectory (on noise-free data the table's own rollout from there reproduces the
// data), the table `flipped` on that class is rolled out from it, and the updates whose class was
// never observed are counted within the planted cell's light cone: 1 for the planted update at
// x_t, then those of each later frame up to x_{T-1}, for at most `max_steps` steps. In window
// mode only cells whose neighbourhood the frame determines count. Needs: t < T, a frame of at
// least 3×3, (row, col) inside it (an interior cell in window mode), `flipped` complete, and
// `unobserved` marking, for each class, whether it was never observed (an InternalError else).
long planted_appearance_cells(const ca::RuleTable& flipped, const std::vector<bool>& unobserved,
                              const groups::Orbits& classes, const ca::Trajectory& trajectory,
                              int t, int row, int col, ca::Pattern planted, ca::Boundary boundary,
                              int max_steps = 32);

// The mean of planted_appearance_cells over plantings of the classes that `counts` never shows
// (orbits of `classes`; up to 64 classes, at most 256 plantings, at random frames and places of
// `data`, from `seed`), with the table (unknown entries taken as 0) flipped on the planted class
// and on each other never-observed class with chance `wrong_share` (the share of new classes the
// bound takes to be wrong). 1 when every class was observed, or no trajectory has a frame to
// plant in (no data, no update, a frame under 3×3).
double simulated_appearance_cells(const ca::RuleTable& table, const groups::Orbits& classes,
                                  const ca::PatternCounts& counts,
                                  const std::vector<ca::Trajectory>& data, ca::Boundary boundary,
                                  std::uint64_t seed, double wrong_share = 0);

struct RiskBound {
  int trajectories = 0;
  long singleton_classes = 0;            // S1
  int recent_trajectories = 0;           // the later half: the last max(1, n/2)
  long recent_new_classes = 0;           // classes they showed first
  double new_classes_upper = 0;          // the larger Poisson limit: S1 / n, recent_new / recent
  double rare_cells_per_appearance = 1;  // the rare classes' mean, at least 1
  double simulated_cells_per_appearance = 1;  // simulated_appearance_cells, 1 where none was made
  double cells_per_appearance = 1;            // the larger of the two
  double cells_per_trajectory = 0;
  double missing_mass_estimate = 0;  // S1/n × cells per appearance / cells per trajectory
  double missing_mass_upper = 0;
  double wrong_share_upper = 1;  // of new classes
  double bound = 1;              // missing_mass_upper × wrong_share_upper
  double confidence = 0.95;
  std::string summary() const;
};

// `simulated_cells`: simulated_appearance_cells, or 1 where no simulation was made.
RiskBound risk_bound(const std::vector<ca::PatternCounts>& per_trajectory,
                     const groups::Orbits& classes, const GuessTests& tests, double confidence,
                     double simulated_cells = 1);

}  // namespace carl::extractor
