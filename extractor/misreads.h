#pragma once
// Observation noise as the pattern counts see it. When each shown cell is flipped with chance
// `rate`, an update counted for pattern p is either p's own (its next state flipped with chance
// `rate`) or a misread of a pattern one or two cells away, which follows that pattern's entry, not
// p's. A rare class can then be mostly misreads of common neighbours (B167/S03578's B8, shown only
// by misread B7 births; B3cijn4ciktwy5kq6-ci7e/S1e2an3cjnr4aejqr5aejkn6-ck's S7e, learnt from
// misread S6 and B7e neighbourhoods), so a class's counts are weighed against what misreads
// explain. First-order in the counts: a neighbour's observed counts stand for its true ones.
#include <array>
#include <optional>
#include <vector>

#include "ca/pattern_counts.h"
#include "ca/trajectory.h"
#include "groups/orbits.h"

namespace carl::extractor {

// The expected number of a class's counted updates with next state `next` that are misreads of
// patterns outside it, one or two cells away.
double misread_inflow(const groups::Orbits& classes, int orbit, const ca::PatternCounts& counts,
                      double rate, bool next);

// A shown cell's misread rate, estimated from noisy counts when the provider states none: the
// patterns seen at least 10 times (their majority taken for their entry) show, to first order,
// rate × (their updates + their one-cell neighbours' updates with the other next state) minority
// updates. Unlike the share of updates against their pattern's majority (which also holds every
// misread that changed the output, Life at 1 % noise about 3.5 %), this is the rate the misread
// model needs; it is taken at the minority's 99 % Poisson upper limit, so that an estimate that
// comes out low does not make settling easier. 0 when no pattern is seen that often.
double estimate_misread_rate(const ca::PatternCounts& counts);

// Per class (indexed by orbit id) and next state, how many of its updates can stem from
// different misread cells: updates picked in scan order, each at least three cells (Chebyshev,
// wrapping on a torus) from every update of the same class and next state picked before it in its
// frame. One misread cell changes only the patterns centred within one cell of it, so it stands
// behind at most one picked update: misreads come in clusters (a hole misread in a live region
// turns up to eight S7 neighbourhoods into S8), which a count of updates would take for evidence.
// The cells counted are PatternCounts::add's.
using SeparateUpdates = std::vector<std::array<long, 2>>;
SeparateUpdates separate_updates(const std::vector<const ca::Trajectory*>& data,
                                 const groups::Orbits& classes, ca::Boundary boundary);
// Every update taken as separate (counts without their frames): the class's updates.
SeparateUpdates every_update(const groups::Orbits& classes, const ca::PatternCounts& counts);

// Noisy data as the test of what settles a class needs them.
struct NoisyData {
  double misread_rate = 0;   // a shown cell's chance of being flipped
  SeparateUpdates separate;  // per class of the classes in use
};

// Adds `more`'s separate updates to `to`'s (the same classes): picked per frame, they add up over
// trajectories.
void add(SeparateUpdates& to, const SeparateUpdates& more);

// What noisy data say of a class's entry.
struct NoisyEvidence {
  std::array<long, 2> updates{};  // the class's updates with next state 0 and 1
  // For each output v: the logarithm of the chance, were the entry v, of at least as many separate
  // updates (separate_updates) with the other next state as shown: its own updates with the next
  // state flipped, plus misreads of neighbours with that next state (Poisson; each misread cell
  // stands behind at most one separate update, so this over-states the chance). Small: the data
  // contradict v.
  std::array<double, 2> log_chance{0.0, 0.0};
};
NoisyEvidence noisy_evidence(const groups::Orbits& classes, int orbit,
                             const ca::PatternCounts& counts, const std::array<long, 2>& separate,
                             double rate);

// The log-chance below which the data contradict an output, when `classes` outputs are weighed
// at once: 1 % over them (Bonferroni: each has one true output, so the chance that the noise
// contradicts any output of a right table stays below 1 %).
double contradiction_log_threshold(int classes);

// Every class's evidence, and the output the data settle for each (nullopt: none): a class is
// settled with v when the other output is contradicted at 1 % over all the classes (Bonferroni:
// each class has one true output, so the chance that the noise contradicts any output of a right
// table stays below 1 %) and v is not, or, when both are, v is at least 100 times as likely (the
// noise is then not as stated, or a cluster of misreads was not split).
// `mixed`: both outputs contradicted — the class holds patterns with different entries (a
// wrong group or support merged them) or the noise is not as stated; the settled output is then
// the extractor's best guess, but it proves nothing.
struct Settlement {
  std::vector<NoisyEvidence> evidence;
  std::vector<std::optional<bool>> settled;
  std::vector<bool> mixed;
};
Settlement settle(const groups::Orbits& classes, const ca::PatternCounts& counts,
                  const SeparateUpdates& separate, double rate);

}  // namespace carl::extractor
