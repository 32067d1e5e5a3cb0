#pragma once
// Halting policies: after each round, halt, ask the provider for another trajectory, keep
// training, or first judge the candidate rule on a fresh trajectory. One interface, one file per
// policy (policy_seed.cpp, policy_certified.cpp, policy_risk.cpp), chosen by name.
#include <array>
#include <bitset>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/pattern_counts.h"
#include "extractor/extractor.h"
#include "extractor/risk.h"
#include "extractor/stopping.h"

namespace carl::extractor {

// Everything a policy may look at after a round. Pointers are to the loop's own data and stay
// valid for the call.
struct RoundState {
  int round = 0;
  int trajectories = 0;      // trained on so far
  int fresh_trajectory = 0;  // judge(): the fresh trajectory's number (its file)
  bool budget_left = false;  // another trajectory may be asked for
  const ExtractedRule* rule = nullptr;
  const ca::PatternCounts* counts = nullptr;                       // all data so far
  const std::vector<ca::PatternCounts>* per_trajectory = nullptr;  // one entry per trajectory
  double l1 = 0, l2 = 0;    // net and rule rollout losses on the data
  double one_step = 0;      // the rule's one-step error on the data (unknown counts wrong)
  bool noise_free = false;  // the provider shows the true states (config) and no pattern was
                            // ever seen with two next states
  double noise_rate = 0;    // estimated share of observations that disagree with their pattern's
                            // majority (0 on noise-free data)
  // Under noise: the cell misread rate and the separate updates of the data trained on, under
  // the rule's classes (misreads.h); null on noise-free data.
  const NoisyData* noisy = nullptr;
  // The same under the orbits of the rule's group alone, when its classes merge orbits over
  // cells the rule is taken to ignore (a certified halt needs each orbit settled: a merged class
  // can pool a half the data contradict); null otherwise.
  const NoisyData* noisy_orbits = nullptr;
  // The same per pattern (each its own class): a class the data settle can still hold a pattern
  // whose own updates contradict the class's entry (a group accepted on pooled pairs while one
  // pattern breaks it), and a certified halt needs none; null on noise-free data.
  const NoisyData* noisy_patterns = nullptr;
  GuessTests guesses;  // every earlier rule's guesses, tested by later trajectories
  // The trajectories trained on, their boundary, and the seed of the risk policy's simulations of
  // what a never-observed class sets off (risk.h); with no data the risk policy simulates nothing.
  const std::vector<ca::Trajectory>* data = nullptr;
  ca::Boundary boundary = ca::Boundary::torus;
  std::uint64_t simulation_seed = 0;
};

// Evidence that the rule has the table's symmetries and ignores its ignored cells: for every
// non-identity element of G and every ignored cell, the pairs of observed patterns it maps onto
// each other that agree and that contradict. Computed on noise-free data.
struct ClassEvidence {
  // The fewest agreeing pairs of any element or ignored cell, counted for each next state and
  // the smaller count taken: pairs that agree on 0 say nothing about a symmetry when no pattern
  // ever showed a 1 (a soup that dies at once is consistent with every symmetry and support).
  int weakest_pairs = 0;
  std::string weakest;  // its name ("rot90", "cell NW", …; empty when G = p1, none ignored)
  int contradicting_pairs = 0;  // over all elements and cells
  int unobserved_classes = 0;   // classes none of whose members was observed
};
ClassEvidence class_evidence(const ca::PatternCounts& counts, groups::Subgroup group,
                             std::uint16_t ignored_cells);

// The entries a rule has from its support alone: in a class merged over the cells the rule is
// taken to ignore, those whose own G-orbit the data never showed. The support is inferred from
// agreeing pairs of observed patterns; a rule that needs the cell only in neighbourhoods the data
// never showed (B2/S28 needs the centre at 8 neighbours alone) shows the same data, so these
// entries are guesses that a certified halt must test, as it tests the generalized ones.
std::bitset<ca::kPatternCount> support_filled(const ExtractedRule& rule,
                                              const ca::PatternCounts& data);

// The entries a rule has from G where the data show the rule lacks symmetry: in an orbit of the
// whole square group D4 whose observed patterns go to different next states, those G filled
// unless every non-identity element of G is backed there, by at least `min_pairs` agreeing pairs
// of observed patterns inside such broken orbits (0: never backed). G is accepted on pairs across
// the whole table, and those say nothing about the part the data show asymmetric: Life with one
// pattern flipped broke that pattern's orbit, G stepped down from p4m to p2, and p2 filled the
// pattern's never-observed half-turn image from it, wrongly (a campaign of 2026-12-02: 18
// certified false halts). A rule that lacks the symmetry throughout (a chiral rule, and G = p4)
// backs G with many such pairs. Noise-free data only (none otherwise: forced_table's).
std::bitset<ca::kPatternCount> asymmetry_filled(const ExtractedRule& rule,
                                                const ca::PatternCounts& data, int min_pairs);

enum class Action { request, train_on, halt, test };
const char* name(Action a);

struct Decision {
  Action action = Action::request;
  std::string reason;  // why (for a halt: what is guaranteed)
  // The risk policy's stated bound, when it halted with one.
  std::optional<RiskBound> bound;
  double judged_error = -1;  // judge(): the rule's error on the fresh trajectory
};

class HaltingPolicy {
 public:
  virtual ~HaltingPolicy() = default;
  virtual std::string name() const = 0;
  // After a round. Action::test asks the loop for a fresh trajectory and to call judge() with it
  // before training on it.
  virtual Decision decide(const RoundState& state) = 0;
  // The candidate rule against a trajectory it has not trained on: halt, or request (the loop
  // then trains on the fresh trajectory).
  virtual Decision judge(const RoundState& state, const ca::Trajectory& fresh,
                         ca::Boundary boundary);
};

// The seed policy's rule on the losses: halt when L2 ≤ epsilon; request when L1 and L2 are above
// their thresholds; otherwise train on.
Decision seed_decision(const StoppingOptions& options, double l1, double l2, double epsilon,
                       const char* l2_name = "L2");

// "seed" | "certified" | "risk" (StoppingOptions::policy).
std::unique_ptr<HaltingPolicy> make_policy(const StoppingOptions& options);

// The exact halts that need no fresh trajectory, shared by certified and risk: every pattern
// observed with one next state (the data prove the table), or every orbit of the rule's group
// observed and the symmetry supported by enough agreeing pairs (the cells the rule is taken to
// ignore fill nothing here: support_filled; nor does G where the data show the rule asymmetric:
// asymmetry_filled). nullopt when neither holds.
std::optional<Decision> proven_by_data(const RoundState& state, const StoppingOptions& options);

}  // namespace carl::extractor
