#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "extractor/risk.h"

using namespace carl;
using extractor::binomial_upper;
using extractor::poisson_upper;

TEST_CASE("Poisson and Clopper-Pearson limits against closed forms and tables", "[risk]") {
  // P(Poisson(λ) = 0) = e^{-λ} = α  →  λ = ln(1/α).
  REQUIRE(poisson_upper(0, 0.05) == Approx(std::log(20.0)).epsilon(1e-6));
  // Tabulated one-sided 95% upper limits (Garwood): k = 1 → 4.744, k = 3 → 7.754, k = 10 → 17.0.
  REQUIRE(poisson_upper(1, 0.05) == Approx(4.7439).epsilon(1e-3));
  REQUIRE(poisson_upper(3, 0.05) == Approx(7.7537).epsilon(1e-3));
  REQUIRE(poisson_upper(10, 0.05) == Approx(16.962).epsilon(1e-3));
  // (1 - p)^n = α  →  p = 1 - α^{1/n}.
  REQUIRE(binomial_upper(0, 20, 0.05) == Approx(1 - std::pow(0.05, 1.0 / 20)).epsilon(1e-6));
  // n = 10, k = 9: p^10 ... P(X ≤ 9) = 1 - p^10 = α  →  p = (1-α)^{1/10}.
  REQUIRE(binomial_upper(9, 10, 0.05) == Approx(std::pow(0.95, 0.1)).epsilon(1e-6));
  REQUIRE(binomial_upper(3, 0, 0.05) == 1.0);
  REQUIRE(binomial_upper(4, 4, 0.05) == 1.0);
  // Lower limits: P(X ≥ n) = p^n = α  →  p = α^{1/n}; P(X ≥ 1) = 1 - (1-p)^n = α  →
  // p = 1 - (1-α)^{1/n}; and the mirror of the upper limit of the failures, on a grid's worth of
  // updates (k = 800 of n = 16,384 at 99%).
  using extractor::binomial_lower;
  REQUIRE(binomial_lower(20, 20, 0.01) == Approx(std::pow(0.01, 1.0 / 20)).epsilon(1e-6));
  REQUIRE(binomial_lower(1, 30, 0.01) == Approx(1 - std::pow(0.99, 1.0 / 30)).epsilon(1e-6));
  REQUIRE(binomial_lower(800, 16384, 0.01) ==
          Approx(1 - binomial_upper(16384 - 800, 16384, 0.01)).epsilon(1e-6));
  REQUIRE(binomial_lower(800, 16384, 0.01) < 800.0 / 16384);
  REQUIRE(binomial_lower(0, 10, 0.01) == 0.0);
  // Poisson tails: P(X ≥ 1) = 1 - e^{-λ}; P(X ≥ 2) = 1 - e^{-λ}(1 + λ); P(X ≥ 0) = 1.
  using extractor::poisson_tail;
  REQUIRE(poisson_tail(1, 0.3) == Approx(1 - std::exp(-0.3)).epsilon(1e-9));
  REQUIRE(poisson_tail(2, 2.5) == Approx(1 - std::exp(-2.5) * 3.5).epsilon(1e-9));
  REQUIRE(poisson_tail(0, 4.0) == 1.0);
}

TEST_CASE("guess tests: a class's first observation judges the table of the round before",
          "[risk]") {
  const groups::Orbits classes(groups::Subgroup::parse("p1"));
  ca::RuleTable table;
  table.set(1, true);   // right
  table.set(2, false);  // wrong
  table.set(5, true);   // seen before: no test
  ca::PatternCounts before, fresh;
  before.n[5][1] = 3;
  fresh.n[5][1] = 1;
  fresh.n[1][1] = 2;
  fresh.n[2][1] = 1;
  fresh.n[3][0] = 4;  // unknown in the table
  extractor::GuessTests t;
  extractor::add_guess_tests(t, table, classes, before, fresh);
  REQUIRE(t.right == 1);
  REQUIRE(t.wrong == 1);
  REQUIRE(t.unknown == 1);
}

namespace {

// A provider of "trajectories" over 512 classes: class o appears in a trajectory with
// probability p[o], then with 1 + Poisson(extra[o]) cell updates; a common background class
// takes the rest of the trajectory's cells.
struct SyntheticStream {
  std::vector<double> p, extra;
  int cells = 4096;
  ca::PatternCounts draw(std::mt19937_64& rng) const {
    ca::PatternCounts c;
    long used = 0;
    for (int o = 1; o < ca::kPatternCount; ++o) {
      if (std::bernoulli_distribution(p[std::size_t(o)])(rng)) {
        const long k = 1 + std::poisson_distribution<long>(extra[std::size_t(o)])(rng);
        c.n[std::size_t(o)][0] += std::uint64_t(k);
        used += k;
      }
    }
    c.n[0][0] += std::uint64_t(std::max(0L, cells - used));
    return c;
  }
  // The expected share of a fresh trajectory's cells on classes none of `seen` holds.
  double missing_mass(const ca::PatternCounts& seen) const {
    double m = 0;
    for (int o = 1; o < ca::kPatternCount; ++o)
      if (!seen.observed(ca::Pattern(o))) m += p[std::size_t(o)] * (1 + extra[std::size_t(o)]);
    return m / cells;
  }
};

}  // namespace

TEST_CASE("the missing-mass bound covers the true missing mass in at least 95% of streams",
          "[risk]") {
  const groups::Orbits classes(groups::Subgroup::parse("p1"));
  std::mt19937_64 rng(7);
  // Zipf-like appearance probabilities: a few common classes, a long tail of rare ones.
  SyntheticStream s;
  s.p.assign(ca::kPatternCount, 0);
  s.extra.assign(ca::kPatternCount, 0);
  for (int o = 1; o < ca::kPatternCount; ++o) {
    s.p[std::size_t(o)] = std::min(1.0, 3.0 / o);
    s.extra[std::size_t(o)] = o < 40 ? 20.0 : o < 150 ? 1.0 : 0.3;
  }
  const extractor::GuessTests none;  // no tests yet: every unobserved class counted wrong
  for (int n : {3, 8, 20}) {
    int covered = 0, runs = 300;
    std::vector<double> bounds;
    for (int run = 0; run < runs; ++run) {
      std::vector<ca::PatternCounts> per;
      ca::PatternCounts all;
      for (int k = 0; k < n; ++k) {
        per.push_back(s.draw(rng));
        all += per.back();
      }
      const auto b = extractor::risk_bound(per, classes, none, 0.95);
      REQUIRE(b.wrong_share_upper == 1.0);
      covered += b.bound >= s.missing_mass(all);
      bounds.push_back(b.bound);
    }
    INFO("n = " << n);
    CHECK(covered >= 0.95 * runs);
    // Not vacuous: the bound shrinks with data, to within a small factor of the truth.
    std::sort(bounds.begin(), bounds.end());
    if (n == 20) CHECK(bounds[bounds.size() / 2] < 0.02);
  }
}

TEST_CASE("tested guesses shrink the bound, failed guesses do not", "[risk]") {
  const groups::Orbits classes(groups::Subgroup::parse("p1"));
  std::vector<ca::PatternCounts> per(10);
  for (int k = 0; k < 10; ++k) {
    per[std::size_t(k)].n[0][0] = 1000;
    per[std::size_t(k)].n[std::size_t(10 + k)][1] = 1;  // a singleton class in each trajectory
  }
  extractor::GuessTests good, bad;
  good.right = 60;
  bad.right = 30;
  bad.wrong = 30;
  const auto b0 = extractor::risk_bound(per, classes, {}, 0.95);
  const auto bg = extractor::risk_bound(per, classes, good, 0.95);
  const auto bb = extractor::risk_bound(per, classes, bad, 0.95);
  REQUIRE(b0.singleton_classes == 10);
  REQUIRE(b0.bound == Approx(b0.missing_mass_upper));
  REQUIRE(bg.bound == Approx(b0.bound * binomial_upper(0, 60, 0.025)));
  REQUIRE(bb.bound > 0.5 * b0.bound);
  // S1 = 10 singletons over 10 trajectories of ~1001 cells, one cell each; the last 5 showed 5
  // classes first, whose limit over 5 trajectories is the larger.
  REQUIRE(b0.missing_mass_estimate == Approx(1.0 / 1001).epsilon(1e-3));
  REQUIRE(b0.recent_trajectories == 5);
  REQUIRE(b0.recent_new_classes == 5);
  REQUIRE(poisson_upper(5, 0.025) / 5 > poisson_upper(10, 0.025) / 10);
  REQUIRE(b0.missing_mass_upper == Approx(poisson_upper(5, 0.025) / 5 / 1001).epsilon(1e-3));
}

TEST_CASE("classes first seen lately bound the rate where S1 is 0", "[risk]") {
  // Hand-worked: 8 trajectories of 1000 background cells. Trajectory 4 shows two classes for
  // the first time and trajectory 5 shows them again (each class also 10 cells), so no class
  // is seen in one trajectory only: S1 = 0, and S1 alone would bound the rate by
  // poisson_upper(0) / 8. The later half (trajectories 4..7) showed 2 classes first.
  const groups::Orbits classes(groups::Subgroup::parse("p1"));
  // Classes 20 and 21 shown in trajectories `first` and `first + 1` of 8.
  auto shown_in = [](int first) {
    std::vector<ca::PatternCounts> per(8);
    for (auto& c : per) c.n[0][0] = 1000;
    for (int k : {first, first + 1})
      for (int o : {20, 21}) per[std::size_t(k)].n[std::size_t(o)][1] = 10;
    return per;
  };
  const auto b = extractor::risk_bound(shown_in(4), classes, {}, 0.95);
  REQUIRE(b.singleton_classes == 0);
  REQUIRE(b.recent_trajectories == 4);
  REQUIRE(b.recent_new_classes == 2);
  REQUIRE(b.new_classes_upper == Approx(poisson_upper(2, 0.025) / 4));
  REQUIRE(b.new_classes_upper > 2 * poisson_upper(0, 0.025) / 8);
  CHECK_THAT(b.summary(), Catch::Contains("from 0 seen in one trajectory only of 8 and 2 first "
                                          "seen in the last 4"));
  // Shown before the later half (trajectories 1 and 2), the same classes count in neither term:
  // the later half saw nothing new, over 4 trajectories (the price: twice S1's limit over 8).
  const auto e = extractor::risk_bound(shown_in(1), classes, {}, 0.95);
  REQUIRE(e.recent_new_classes == 0);
  REQUIRE(e.new_classes_upper == Approx(poisson_upper(0, 0.025) / 4));
}

TEST_CASE("Poisson tails far beyond the mean keep their digits", "[risk]") {
  // P(X ≥ k) for k far above λ is its first term e^{-λ} λ^k / k! times 1 + λ/(k+1) + …: bounds
  // worked by hand, where 1 − P(X ≤ k − 1) gives 2.2e-16 or 0 for all of them alike.
  using extractor::poisson_log_tail;
  auto first = [](long k, double l) { return -l + double(k) * std::log(l) - std::lgamma(k + 1.0); };
  // Between the first three terms and the geometric series with ratio λ/(k+1).
  REQUIRE(poisson_log_tail(40, 5.04) >
          first(40, 5.04) + std::log1p(5.04 / 41 + 5.04 * 5.04 / (41.0 * 42)));
  REQUIRE(poisson_log_tail(40, 5.04) < first(40, 5.04) - std::log1p(-5.04 / 41));
  REQUIRE(poisson_log_tail(5000, 5.04) > first(5000, 5.04) + std::log1p(5.04 / 5001));
  REQUIRE(poisson_log_tail(5000, 5.04) < first(5000, 5.04) - std::log1p(-5.04 / 5001));
  REQUIRE(poisson_log_tail(40, 5.04) > poisson_log_tail(5000, 5.04) + 1000);
  REQUIRE(extractor::poisson_tail(20, 0.5) > 0.0);  // 4.1e-31, not 0
  // Below the mean the two forms agree.
  REQUIRE(std::exp(poisson_log_tail(3, 5.0)) ==
          Approx(1 - std::exp(-5.0) * (1 + 5.0 + 12.5)).epsilon(1e-9));
}

TEST_CASE("Poisson limits and tails for a large mean", "[risk]") {
  // λ = 10,000: P(X ≥ 10,100) = 0.159863 and P(X ≥ 9,900) = 0.842557 (terms summed in Python's
  // floating point), near the normal approximation's 0.15987; the 99 % upper limit of a count of
  // 100,000 near Wilson–Hilferty's 100,738.1.
  REQUIRE(extractor::poisson_tail(10100, 10000.0) == Approx(0.159863).epsilon(1e-4));
  REQUIRE(extractor::poisson_tail(9900, 10000.0) == Approx(0.842557).epsilon(1e-4));
  REQUIRE(extractor::poisson_upper(100000, 0.01) == Approx(100738.1).epsilon(1e-4));
}

namespace {
// T+1 empty frames of h×w.
ca::Trajectory empty_trajectory(int h, int w, int steps) {
  ca::Trajectory t;
  t.frames.assign(std::size_t(steps + 1), ca::Grid(h, w));
  return t;
}
}  // namespace

TEST_CASE("an appearance's consequences: a lone survivor, counted by hand", "[risk]") {
  // All-dead data under B/S, and the table flipped on S0 (a lone live cell survives): the planted
  // cell lives on, and each later frame shows its own pattern and its 8 neighbours' (one live
  // cell each), all 9 never observed.
  const groups::Orbits classes(groups::Subgroup::parse("p1"));
  std::vector<bool> unobserved(std::size_t(classes.count()), true);
  unobserved[std::size_t(classes.orbit_of(0))] = false;  // the empty neighbourhood was observed
  ca::RuleTable flipped = ca::RuleTable::from_function([](ca::Pattern) { return false; });
  const ca::Pattern lone = 1 << ca::C;
  flipped.set(lone, true);
  using extractor::planted_appearance_cells;
  const auto torus = ca::Boundary::torus;
  const ca::Trajectory small = empty_trajectory(16, 16, 8);
  // Planted in x_0: the planted update, then 9 in each of x_1 … x_7.
  CHECK(planted_appearance_cells(flipped, unobserved, classes, small, 0, 5, 5, lone, torus) ==
        1 + 9 * 7);
  CHECK(planted_appearance_cells(flipped, unobserved, classes, small, 0, 5, 5, lone, torus, 3) ==
        1 + 9 * 3);
  CHECK(planted_appearance_cells(flipped, unobserved, classes, small, 6, 5, 5, lone, torus) ==
        1 + 9);
  CHECK(planted_appearance_cells(flipped, unobserved, classes, small, 7, 0, 0, lone, torus) == 1);
  // On a large torus only a box around the cell is simulated: the same count, and at the edge.
  const ca::Trajectory large = empty_trajectory(200, 300, 8);
  CHECK(planted_appearance_cells(flipped, unobserved, classes, large, 0, 100, 0, lone, torus) ==
        1 + 9 * 7);
  CHECK(planted_appearance_cells(flipped, unobserved, classes, large, 0, 199, 299, lone, torus) ==
        1 + 9 * 7);
  // In a window a cell counts only while the frame still determines its neighbourhood: k steps on,
  // rows and columns k + 1 … 14 − k of 16. From (8, 8): 9 cells for k ≤ 5, 2×2 at k = 6, none at 7.
  const auto window = ca::Boundary::window;
  CHECK(planted_appearance_cells(flipped, unobserved, classes, small, 0, 8, 8, lone, window) ==
        1 + 9 * 5 + 4);
  // Beside the top edge: only row 2 at k = 1.
  CHECK(planted_appearance_cells(flipped, unobserved, classes, small, 0, 1, 8, lone, window) ==
        1 + 3);
}

TEST_CASE("simulated consequences of an appearance: a cascade costs more than a death", "[risk]") {
  // All-dead data, so every class but the empty one is unobserved. Under B/S a birth with one
  // live neighbour (B1, flipped) sets off growth; S8 flipped (a full block's centre survives)
  // is one cell in a frame that dies around it. The mean over the unobserved classes lies
  // between, and is above the 1 cell of the rare classes seen.
  const groups::Orbits classes(groups::Subgroup::parse("p4m"));
  const ca::RuleTable dead = ca::RuleTable::from_function([](ca::Pattern) { return false; });
  std::vector<ca::Trajectory> data = {empty_trajectory(16, 16, 8), empty_trajectory(16, 16, 8)};
  ca::PatternCounts counts;
  counts.n[0][0] = 2 * 16 * 16 * 8;
  std::vector<bool> unobserved(std::size_t(classes.count()), true);
  unobserved[std::size_t(classes.orbit_of(0))] = false;
  auto flip = [&](ca::Pattern p) {
    ca::RuleTable t = dead;
    for (ca::Pattern q : classes.members(classes.orbit_of(p))) t.set(q, true);
    return t;
  };
  const ca::Pattern b1 = 1 << ca::NW, s8 = 0x1FF;
  const long cascade = extractor::planted_appearance_cells(flip(b1), unobserved, classes, data[0],
                                                           0, 8, 8, b1, ca::Boundary::torus);
  const long lone = extractor::planted_appearance_cells(flip(s8), unobserved, classes, data[0], 0,
                                                        8, 8, s8, ca::Boundary::torus);
  CHECK(cascade > 100);
  CHECK(lone < 40);
  const double mean =
      extractor::simulated_appearance_cells(dead, classes, counts, data, ca::Boundary::torus, 7);
  CHECK(mean > 2);
  // With the bound's wrong share 1 every other never-observed class is wrong too: here every
  // pattern with a live cell becomes a birth or survival, and any planting grows by a cell a side
  // each step, a cascade no single flip shows.
  const double all_wrong = extractor::simulated_appearance_cells(dead, classes, counts, data,
                                                                 ca::Boundary::torus, 7, 1.0);
  CHECK(all_wrong > 5 * mean);
  const long grown = extractor::planted_appearance_cells(
      ca::RuleTable::from_function([](ca::Pattern p) { return p != 0; }), unobserved, classes,
      data[0], 0, 8, 8, 1 << ca::C, ca::Boundary::torus);
  // A lone cell: (2k + 3)² live or bordering cells k steps on, up to the 16×16 torus.
  CHECK(grown == 1 + 25 + 49 + 81 + 121 + 169 + 225 + 256);
  // Every class observed: nothing to simulate.
  ca::PatternCounts all;
  for (int p = 0; p < ca::kPatternCount; ++p) all.n[std::size_t(p)][0] = 1;
  CHECK(extractor::simulated_appearance_cells(dead, classes, all, data, ca::Boundary::torus, 7) ==
        1);
}

TEST_CASE("the bound takes the larger of the rare classes' cells and the simulated ones",
          "[risk]") {
  const groups::Orbits classes(groups::Subgroup::parse("p1"));
  std::vector<ca::PatternCounts> per(10);
  for (int k = 0; k < 10; ++k) {
    per[std::size_t(k)].n[0][0] = 1000;
    per[std::size_t(k)].n[std::size_t(10 + k)][1] = 1;  // one cell per rare appearance
  }
  const auto seen = extractor::risk_bound(per, classes, {}, 0.95);
  const auto cascade = extractor::risk_bound(per, classes, {}, 0.95, 25.0);
  const auto mild = extractor::risk_bound(per, classes, {}, 0.95, 0.5);
  REQUIRE(seen.cells_per_appearance == 1.0);
  CHECK(cascade.cells_per_appearance == 25.0);
  CHECK(cascade.bound == Approx(25 * seen.bound));
  CHECK(mild.bound == Approx(seen.bound));
  CHECK_THAT(cascade.summary(),
             Catch::Contains("25 cells each (simulated; the rare classes seen: 1)"));
  CHECK_THAT(seen.summary(), !Catch::Contains("simulated"));
}

TEST_CASE("an appearance's consequences: the simulated box against the whole frame", "[risk]") {
  // Brute force: plant into the whole frame, roll the whole frame out, and count the never-observed
  // updates within the cone (in a window, only those the frame determines). The function rolls out
  // only a box around the cell; on random soups, tables and plantings the counts must agree.
  std::mt19937_64 rng(11);
  const groups::Orbits classes(groups::Subgroup::parse("p4"));
  int checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const auto boundary = trial % 2 ? ca::Boundary::window : ca::Boundary::torus;
    const int h = 5 + int(rng() % 40), w = 5 + int(rng() % 40), steps = 1 + int(rng() % 12);
    const ca::RuleTable rule =
        ca::RuleTable::from_function([&](ca::Pattern) { return rng() % 3 == 0; });
    ca::Trajectory tr;
    tr.frames.push_back(ca::random_soup(h, w, 0.3, rng()));
    for (int k = 0; k < steps; ++k) tr.frames.push_back(ca::step(rule, tr.frames.back()));
    std::vector<bool> unobserved(std::size_t(classes.count()));
    for (std::size_t o = 0; o < unobserved.size(); ++o) unobserved[o] = rng() % 2;
    const int inset = boundary == ca::Boundary::window ? 1 : 0;
    const int t = int(rng() % std::uint64_t(steps));
    const int row = inset + int(rng() % std::uint64_t(h - 2 * inset));
    const int col = inset + int(rng() % std::uint64_t(w - 2 * inset));
    const auto planted = ca::Pattern(rng() % ca::kPatternCount);
    const int max_steps = 1 + int(rng() % 12);
    ca::Grid g = tr.frames[std::size_t(t)];
    for (int dr = 0; dr < 3; ++dr)
      for (int dc = 0; dc < 3; ++dc)
        g.set((row + dr - 1 + h) % h, (col + dc - 1 + w) % w, ca::pattern_cell(planted, dr, dc));
    long want = 1;
    auto far = [&](int a, int b, int n, int k) {  // farther than k + 2, wrapping on the torus
      const int d = std::abs(a - b);
      return (inset ? d : std::min(d, n - d)) > k + 2;
    };
    for (int k = 1; k <= std::min(steps - 1 - t, max_steps); ++k) {
      g = ca::step(rule, g);
      for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
          if (far(i, row, h, k) || far(j, col, w, k)) continue;
          if (inset && (i < k + 1 || i > h - 2 - k || j < k + 1 || j > w - 2 - k)) continue;
          want += unobserved[std::size_t(classes.orbit_of(ca::pattern_at(g, i, j)))];
        }
    }
    INFO("trial " << trial << ": " << h << "x" << w << ", t " << t << " of " << steps << ", at ("
                  << row << ", " << col << ")");
    REQUIRE(extractor::planted_appearance_cells(rule, unobserved, classes, tr, t, row, col, planted,
                                                boundary, max_steps) == want);
    checked += want > 1;
  }
  CHECK(checked > 50);  // most plantings counted more than the planted update
}
