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

#include "ca/pattern_counts.h"
#include "groups/orbits.h"

namespace carl::extractor {

// The expected number of a class's counted updates with next state `next` that are misreads of
// patterns outside it, one or two cells away.
double misread_inflow(const groups::Orbits& classes, int orbit, const ca::PatternCounts& counts,
                      double rate, bool next);

// What noisy data say of a class's entry.
struct NoisyEvidence {
  std::array<long, 2> updates{};  // the class's updates with next state 0 and 1
  // For each output v: the chance, were the entry v, of at least as many updates with the other
  // next state as shown: its own updates with the next state flipped, plus misreads of neighbours
  // with that next state (Poisson). Small: the data contradict v.
  std::array<double, 2> chance{1.0, 1.0};
  // The output the data settle: the other one contradicted at 99 %, and, when both are, this one
  // at least 100 times as likely. Misreads come in clusters (one misread cell changes up to nine
  // patterns), which the Poisson chance does not allow for, so a right output can look
  // contradicted too (B0124568/S148's S8 in dense frames). nullopt: the data do not settle it.
  std::optional<bool> settled() const;
};
NoisyEvidence noisy_evidence(const groups::Orbits& classes, int orbit,
                             const ca::PatternCounts& counts, double rate);

}  // namespace carl::extractor
