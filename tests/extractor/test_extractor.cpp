#include <catch2/catch.hpp>
#include <random>
#include <tuple>
#include <utility>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "extractor/extractor.h"

using namespace carl;
using extractor::Predictions;
using extractor::Provenance;

namespace {
Predictions constant(double p) {
  Predictions x;
  x.fill(p);
  return x;
}
}  // namespace

TEST_CASE("significance: every member confident and agreeing", "[extractor]") {
  ca::PatternCounts none;
  Predictions a = constant(0.95), b = constant(0.97), c = constant(0.95);
  b[5] = 0.2;   // disagrees on pattern 5
  c[9] = 0.85;  // agrees but not confident on 9
  a[17] = 0.02;
  b[17] = 0.01;
  c[17] = 0.05;  // all confident on 0 for 17
  const auto r = extractor::extract({a, b, c}, groups::Subgroup(), none, 0.9);
  REQUIRE(r.total_orbits == 512);
  REQUIRE(r.significant_orbits == 510);
  REQUIRE_FALSE(r.table.known(5));
  REQUIRE_FALSE(r.table.known(9));
  REQUIRE(r.table.known(17));
  REQUIRE_FALSE(r.table.output(17));
  REQUIRE(r.table.output(3));
  REQUIRE(r.provenance[5] == Provenance::unknown);
  REQUIRE(r.provenance[3] == Provenance::generalized);  // nothing was observed
  // A single net: only its own confidence counts.
  REQUIRE(extractor::extract({b}, groups::Subgroup(), none, 0.9).table.known(9));
}

TEST_CASE("provenance: observed, by symmetry, generalized, unknown", "[extractor]") {
  const groups::Subgroup p4m = groups::Subgroup::parse("p4m");
  const groups::Orbits orbits(p4m);
  ca::PatternCounts counts;
  counts.n[1][0] = 3;  // pattern 1 (SE alone) observed; its orbit has 4 members
  Predictions p = constant(0.01);
  const ca::Pattern unsure = orbits.representative(orbits.orbit_of(ca::Pattern(0x1EF)));
  p[unsure] = 0.5;
  const auto r = extractor::extract({p}, p4m, counts, 0.9);
  REQUIRE(r.total_orbits == 102);
  REQUIRE(r.significant_orbits == 101);
  REQUIRE(r.provenance[1] == Provenance::observed);
  REQUIRE(r.provenance[4] == Provenance::symmetry);  // SW alone, the same orbit
  REQUIRE(r.provenance[0] == Provenance::generalized);
  REQUIRE(r.provenance[0x1EF] == Provenance::unknown);
  const auto n = r.count_by_provenance();
  REQUIRE(n[0] == 1);
  REQUIRE(n[1] == 3);
  REQUIRE(n[0] + n[1] + n[2] + n[3] == 512);
  REQUIRE(n[3] == static_cast<int>(orbits.members(orbits.orbit_of(0x1EF)).size()));
}

TEST_CASE("rule rollout: exact rule, and unknown entries spreading", "[extractor]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  const ca::Trajectory t = ca::simulate(life, ca::random_soup(16, 16, 0.4, 2), 6);
  REQUIRE(extractor::rule_rollout(life, t, ca::Boundary::torus).loss == 0.0);
  REQUIRE(extractor::one_step_errors(life, t, ca::Boundary::torus).loss == 0.0);

  // By hand: one live cell on a 7×7 torus under a rule that kills everything, except that the
  // lone-centre pattern (16) is unknown. Step 1: that cell is undetermined (1 of 49 wrong).
  // Step 2: every cell whose neighbourhood holds it (3×3 = 9) is undetermined.
  ca::RuleTable partial = ca::RuleTable::from_function([](ca::Pattern) { return false; });
  partial.forget(16);
  ca::Grid x(7, 7);
  x.set(3, 3, true);
  const ca::Trajectory truth = ca::simulate(ca::parse_rule("B/S"), x, 2);
  const auto r = extractor::rule_rollout(partial, truth, ca::Boundary::torus);
  REQUIRE(r.per_step.size() == 2);
  REQUIRE(r.per_step[0] == Approx(1.0 / 49));
  REQUIRE(r.per_step[1] == Approx(9.0 / 49));
  REQUIRE(r.loss == Approx(10.0 / 98));
  // One step at a time, only x_0's lone cell hits the unknown entry.
  const auto s = extractor::one_step_errors(partial, truth, ca::Boundary::torus);
  REQUIRE(s.per_step[0] == Approx(1.0 / 49));
  REQUIRE(s.per_step[1] == 0.0);
}

TEST_CASE("a wrong entry shows in the rule loss", "[extractor]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  const ca::RuleTable highlife = ca::parse_rule("B36/S23");
  const ca::Trajectory t = ca::simulate(highlife, ca::random_soup(32, 32, 0.5, 4), 8);
  REQUIRE(extractor::rule_rollout(life, t, ca::Boundary::torus).loss > 0);
  REQUIRE(extractor::one_step_errors(life, t, ca::Boundary::torus).loss > 0);
  // Window: the judged region shrinks by one cell per side per step.
  const auto w = extractor::rule_rollout(highlife, t, ca::Boundary::window);
  REQUIRE(w.loss == 0.0);
  REQUIRE(w.cells ==
          30L * 30 + 28 * 28 + 26 * 26 + 24 * 24 + 22 * 22 + 20 * 20 + 18 * 18 + 16 * 16);
}

namespace {

// The partial step as first written, one cell at a time: the oracle for the bit-sliced one. A
// cell is undetermined when its own entry is unknown or any cell of its 3×3 neighbourhood was
// undetermined before; it is then predicted 0. Window: only interior cells, none wraps.
std::pair<ca::Grid, ca::Grid> oracle_step(const ca::RuleTable& table, const ca::Grid& x,
                                          const ca::Grid& undetermined, ca::Boundary boundary) {
  const int m = boundary == ca::Boundary::window ? 1 : 0;
  const int h = x.height(), w = x.width();
  ca::Grid next(h - 2 * m, w - 2 * m), bad(next.height(), next.width());
  for (int r = m; r < h - m; ++r)
    for (int c = m; c < w - m; ++c) {
      int p = 0;
      bool u = false;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          const int rr = ((r + dr) % h + h) % h, cc = ((c + dc) % w + w) % w;
          p = p << 1 | x.at(rr, cc);  // NW first: Golly's MAP order
          u = u || undetermined.at(rr, cc) != 0;
        }
      u = u || !table.known(ca::Pattern(p));
      next.set(r - m, c - m, !u && table.output(ca::Pattern(p)));
      bad.set(r - m, c - m, u);
    }
  return {next, bad};
}

ca::RolloutScore oracle_rollout(const ca::RuleTable& table, const ca::Trajectory& truth,
                                ca::Boundary boundary) {
  ca::RolloutScore r;
  if (truth.frames.empty()) return r;
  ca::Grid x = truth.frames[0], bad(x.height(), x.width());
  for (std::size_t t = 1; t < truth.frames.size(); ++t) {
    if (boundary == ca::Boundary::window && (x.height() < 3 || x.width() < 3)) break;
    std::tie(x, bad) = oracle_step(table, x, bad, boundary);
    r.add(x, truth.frames[t], &bad);
  }
  return r;
}

ca::RolloutScore oracle_one_step(const ca::RuleTable& table, const ca::Trajectory& truth,
                                 ca::Boundary boundary) {
  ca::RolloutScore r;
  for (std::size_t t = 0; t + 1 < truth.frames.size(); ++t) {
    const ca::Grid& x = truth.frames[t];
    const auto [next, bad] = oracle_step(table, x, ca::Grid(x.height(), x.width()), boundary);
    r.add(next, truth.frames[t + 1], &bad);
  }
  return r;
}

void require_same(const ca::RolloutScore& got, const ca::RolloutScore& want) {
  REQUIRE(got.per_step == want.per_step);  // exact: the same counts divided alike
  REQUIRE(got.loss == want.loss);
  REQUIRE(got.wrong_cells == want.wrong_cells);
  REQUIRE(got.cells == want.cells);
}

}  // namespace

TEST_CASE("rule rollout and one-step errors equal the cell-by-cell partial step", "[extractor]") {
  std::mt19937_64 rng(20261130);
  const std::pair<int, int> sizes[] = {{5, 7},  {16, 16}, {64, 64}, {65, 3}, {3, 65},
                                       {1, 1},  {2, 3},   {3, 3},   {7, 2},  {1, 130},
                                       {4, 64}, {9, 128}, {33, 70}};
  // Shares of known entries, from none to all; a few unknown entries make the spread visible.
  const double known_share[] = {0.0, 0.3, 0.9, 0.98, 0.995, 1.0};
  int compared = 0;
  for (const auto& [h, w] : sizes)
    for (double share : known_share)
      for (int trial = 0; trial < 3; ++trial) {
        const std::uint64_t seed = rng();
        const ca::RuleTable full = ca::random_rule(seed, trial != 0);
        ca::RuleTable table;
        std::mt19937_64 pick(seed ^ 0x5bd1e995);
        for (int p = 0; p < ca::kPatternCount; ++p)
          if (share >= 1.0 || double(pick() >> 11) / double(1ULL << 53) < share)
            table.set(ca::Pattern(p), full.output(ca::Pattern(p)));
        const ca::Grid x0 = ca::random_soup(h, w, 0.1 + 0.2 * trial, seed + 1);
        const int steps = 1 + trial * 3;
        // Trial 0: the table's own completion (wrong cells are the undetermined ones); others:
        // another rule, or frames unrelated to each other.
        ca::Trajectory truth =
            ca::simulate(trial == 1 ? ca::random_rule(seed + 2, false) : full, x0, steps);
        if (trial == 2)
          for (std::size_t t = 1; t < truth.frames.size(); ++t)
            truth.frames[t] = ca::random_soup(h, w, 0.5, seed + 3 + t);
        for (const ca::Boundary b : {ca::Boundary::torus, ca::Boundary::window}) {
          if (b == ca::Boundary::window && (h < 2 || w < 2)) continue;
          CAPTURE(h, w, share, trial, b == ca::Boundary::torus, table.known_count());
          require_same(extractor::rule_rollout(table, truth, b), oracle_rollout(table, truth, b));
          require_same(extractor::one_step_errors(table, truth, b),
                       oracle_one_step(table, truth, b));
          ++compared;
        }
      }
  REQUIRE(compared > 400);
}

TEST_CASE("one unknown entry: the undetermined region grows by one cell per side per step",
          "[extractor]") {
  // Life with the lone-centre entry unknown, from one live cell on a 15×15 torus: after t
  // steps a (2t-1)×(2t-1) square is undetermined, every cell of it counted wrong.
  ca::RuleTable life = ca::parse_rule("B3/S23");
  life.forget(16);
  ca::Grid x(15, 15);
  x.set(7, 7, true);
  const ca::Trajectory truth = ca::simulate(ca::parse_rule("B3/S23"), x, 5);
  const auto r = extractor::rule_rollout(life, truth, ca::Boundary::torus);
  require_same(r, oracle_rollout(life, truth, ca::Boundary::torus));
  for (int t = 1; t <= 5; ++t)
    REQUIRE(r.per_step[t - 1] == Approx(double((2 * t - 1) * (2 * t - 1)) / 225));
}

TEST_CASE("noisy data that settle a class decide it whatever the nets say", "[extractor]") {
  // The nets answer 1 everywhere, confidently. Pattern 0x10 (the centre alone) was seen 20 times,
  // each going to 0; pattern 0x30 once going to 0, beside a neighbour (0x31) seen 1000 times going
  // to 0, so that misreads at 1 % explain that one update.
  const groups::Orbits each(groups::Subgroup{});
  ca::PatternCounts counts;
  counts.n[0x10][0] = 20;
  counts.n[0x30][0] = 1;
  counts.n[0x31][0] = 1000;
  const std::vector<Predictions> nets = {constant(0.99), constant(0.98)};
  const extractor::NoisyData data{0.01, extractor::every_update(each, counts)};
  const auto noisy = extractor::extract(nets, each, counts, 0.9, false, &data);
  REQUIRE_FALSE(noisy.table.output(0x10));  // settled by its data
  REQUIRE(noisy.provenance[0x10] == Provenance::observed);
  REQUIRE(noisy.table.output(0x30));        // not settled: the nets' answer stands
  REQUIRE_FALSE(noisy.table.output(0x31));  // settled by its 1000 updates
  // Without a misread rate the nets decide every class the data do not prove.
  REQUIRE(extractor::extract(nets, each, counts, 0.9, false).table.output(0x10));
}
