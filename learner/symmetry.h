#pragma once
// Choosing the symmetry group G ⊆ D4 of the hidden rule after round 0, and the cells the rule
// ignores (its support). Every method scores each of the 8 elements (0: respected perfectly) and
// reports the scores with its verdict; the verdict is the largest subgroup all of whose elements
// pass. A method must not claim a symmetry the rule lacks, so where evidence is missing an
// element fails.
//
// The data method and the support detector work in one of two modes:
//  - exact (no pattern was ever seen with both next states: the data look noise-free): one
//    observed pair of patterns with different next states rejects;
//  - noisy (some pattern was seen with both next states): the next states are taken for samples
//    with a rate per pattern, and the question is whether the patterns of a class (a cycle of g)
//    share one rate (the support detector compares majorities instead: detect_support). Under
//    i.i.d. observation noise that flips shown cells symmetrically, a rare pattern's counts are
//    dominated by corrupted copies of common ones, but the corrupted copies of p and of g·p still
//    have equal rates when the rule is g-invariant (the soup, the evolution and the noise all
//    commute with g). Each class gets a likelihood-ratio (G-)test of homogeneity; the element
//    (cell) is rejected when the sum over its classes exceeds the χ² quantile at `significance`, or
//    when its largest single class does at significance / (number of classes) (Bonferroni). The
//    p-value reported is the smaller of the two, the Bonferroni one multiplied back.
// Either way an element (cell) needs at least min_evidence agreeing pairs to pass.
#include <array>
#include <string>

#include "ca/pattern_counts.h"
#include "groups/orbits.h"
#include "groups/subgroup.h"
#include "learner/net.h"

namespace carl::learner {

struct SymmetryOptions {
  int min_evidence = 8;             // data, support: agreeing pattern pairs needed per element
  double function_tolerance = 0.0;  // function: weighted share of disagreeing pairs allowed
  double kernel_tolerance = 0.1;    // kernels: relative closure distance allowed
  // data, support under noise: the family-wise false-rejection level of each element's (cell's)
  // test. Small, because cells of one trajectory are not independent samples (a still life repeats
  // its patterns in every frame), which makes the χ² statistics somewhat overdispersed.
  double significance = 1e-9;
  // support under noise: the family-wise level at which a pair of clean patterns with opposite
  // majorities shows that a cell matters. Lenient, because the safe error here is the other one:
  // a cell wrongly kept costs trajectories, a cell wrongly ignored makes a wrong rule.
  double support_significance = 1e-3;
  // support under noise: the share of the compared pairs that must agree (both majorities decided
  // and equal) before a cell counts as ignored. Rare patterns under noise are mixtures whose
  // majorities say little, so "no pair contradicts" alone is weak evidence there.
  double support_coverage = 0.9;
  // support with a plain net: a cell is confirmed as ignored by the kernels when its first-layer
  // weights (L2 norm over the channels) are at most this share of the strongest cell's. Nets
  // pre-trained with weight decay (see the kernels method) on one standard-regime trajectory: the
  // corners of three von Neumann rules 0.017–0.102, the cells rules read 0.55–1.
  double support_kernel_tolerance = 0.2;
};

// How G is chosen: from the data, from a trained plain net's predictions (function) or first-layer
// kernels, or fixed by the user. Written "data", "function", "kernels" or "fixed:<group>".
struct SymmetryMethod {
  enum Kind { data, function, kernels, fixed };
  Kind kind = data;
  groups::Subgroup group;  // fixed: the group

  SymmetryMethod(Kind k = data) : kind(k) {}  // NOLINT: a kind is a method (fixed: to p1)
  static SymmetryMethod fixed_to(groups::Subgroup g);
  // InputError: "'x' is not one of: data, function, kernels, fixed:<group>", or the group's own.
  static SymmetryMethod parse(const std::string& word);
  std::string name() const;  // what parse reads
  bool needs_net() const { return kind == function || kind == kernels; }
  friend bool operator==(const SymmetryMethod& a, const SymmetryMethod& b) {
    return a.kind == b.kind && (a.kind != fixed || a.group == b.group);
  }
};

struct SymmetryVerdict {
  SymmetryMethod method;
  std::array<double, groups::kD4Order> score{};  // per element, in groups::kD4 order
  std::array<bool, groups::kD4Order> passes{};
  groups::Subgroup group;
  // data method, per element (the halting policy's evidence for G): unordered pairs {p, g·p},
  // p ≠ g·p, both observed, whose next states agree / contradict. Exact mode: agree = the same
  // (only) next state. Noisy mode: agree = both patterns have a significant majority (1 %), the
  // same one, and the pair's G-test does not reject; contradict = the pair's G-test rejects at
  // significance / (pairs compared). score = contradicting / compared (1 when nothing was
  // compared).
  std::array<int, groups::kD4Order> agreeing_pairs{}, contradicting_pairs{};
  std::array<int, groups::kD4Order> compared_pairs{};
  std::array<double, groups::kD4Order> statistic{};  // Σ G over the cycles of g (0: exact mode)
  std::array<double, groups::kD4Order> p_value{};    // 1 in exact mode unless contradicted (0)
  bool noisy = false;  // data method: some pattern was seen with both next states
  // Roughly the observation noise rate: the median minority share of next states of the 8 most
  // observed patterns (their counts are mostly true occurrences); 0 for noise-free data.
  double noise_estimate = 0;
  std::string summary() const;  // "data: p4m (rot90 0 ok, …)"; fixed: "fixed:p4m: p4 (rot90 ok, …)"
  // The group used instead of the one found or given (a fixed group the data contradict); a fixed
  // verdict's elements pass exactly when the group holds them.
  void set_group(groups::Subgroup g);
};

// `net` is needed by function and kernels (pass a trained plain net).
//
// kernels: the first-layer kernel bank of the plain net as a set: g passes when g·K matches the
// bank up to a permutation of the channels (groups::closure, Hungarian matching) within
// kernel_tolerance of its squared norm; a net that predicts one next state everywhere claims
// nothing. Readable kernels need the plain pre-training to use weight decay and to train on after
// the first fit: TrainConfig{weight_decay = 0.003, min_steps = 2000, max_steps = 3000}. Measured
// ("[.kernel-figures]" in tests/learner/test_symmetry.cpp, standard regime, one trajectory): the
// true group for 10 of the 24 named rules (the outer-totalistic ones whose nets fit; none of the
// 12 Hensel rules), 0 wrong claims in 37 nets. Without that pre-training the kernels stay near
// their random start and nothing is found.
SymmetryVerdict detect_symmetry(const SymmetryMethod& method, const ca::PatternCounts& counts,
                                const Net* net, const SymmetryOptions& options = {});

// The largest subgroup whose elements all pass (ties: the first in Subgroup::all()).
groups::Subgroup largest_passing_subgroup(const std::array<bool, groups::kD4Order>& passes);

// The cells the rule ignores, from the data: cell k (bit k of the pattern index) passes when no
// observed pair of patterns differing only in cell k has different next states (exact mode), with
// at least min_evidence agreeing pairs on each next state (pairs that all go to 0, as in a soup
// that dies at once, say nothing about the cell). In noisy mode rates are not compared (flipping a
// cell is no symmetry of noisy data: a rare pattern's counts are corrupted copies of its common
// neighbours, in proportions that flipping k changes, so p and p with k flipped may show different
// rates even when the rule ignores k): a pair contradicts when the two patterns' majorities are
// opposite, each significant at support_significance / (pairs compared) against a fair coin; it
// agrees when both have the same majority, significant at 1 %; and a cell passes only when no pair
// contradicts and at least support_coverage of the compared pairs agree (conservative: under
// noise a von Neumann rule's corners may need several trajectories). With `plain_net` the kernels
// must confirm it too: the cell's
// first-layer weights at most support_kernel_tolerance of the strongest cell's. The mask is then
// made G-invariant by keeping only the cells whose whole G-orbit passes (so Orbits(g, ignored)
// quotients nothing that the data did not show). A mask of all eight neighbours is not taken
// (nothing is ignored): data in which no neighbour matters show a still or dying soup, not a rule
// of the centre alone.
struct SupportVerdict {
  groups::CellMask ignored = 0;
  std::array<bool, 9> passes{};  // per cell, bit order (0 = SE … 4 = C … 8 = NW)
  std::array<int, 9> agreeing_pairs{}, contradicting_pairs{}, compared_pairs{};
  std::array<double, 9> score{};          // contradicting / compared (1 when nothing compared)
  std::array<double, 9> statistic{};      // Σ G over the pairs (information only)
  std::array<double, 9> p_value{};        // noisy: the most significant opposite-majority pair
  std::array<double, 9> kernel_weight{};  // with a net: the cell's weight share; else 0
  bool noisy = false;
  bool used_kernels = false;
  // "support: von Neumann (NW 0/40 ignored, N 3/40, …)": per cell, contradicting / compared
  // pairs, and whether it is ignored.
  std::string summary() const;
};
SupportVerdict detect_support(const ca::PatternCounts& counts, groups::Subgroup g,
                              const SymmetryOptions& options = {}, const Net* plain_net = nullptr);

}  // namespace carl::learner
