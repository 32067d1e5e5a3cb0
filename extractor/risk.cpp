#include "extractor/risk.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "ca/error.h"

namespace carl::extractor {

namespace {

// The logarithm of the Poisson term P(X = k).
double log_term(long k, double lambda) {
  return -lambda + double(k) * std::log(lambda) - std::lgamma(double(k) + 1);
}

// log Σ_{j ≥ k} P(X = j) for k > λ: from the term at k upwards, each λ/(j + 1) times the one
// before (a handful of terms far from the mean, about √λ near it).
double log_upper_sum(long k, double lambda) {
  double sum = 1, term = 1;
  for (long j = k; j < k + 100000000; ++j) {
    term *= lambda / double(j + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return log_term(k, lambda) + std::log(sum);
}

// log Σ_{j ≤ k} P(X = j) for k < λ: from the term at k downwards, each j/λ times the one after.
double log_lower_sum(long k, double lambda) {
  double sum = 1, term = 1;
  for (long j = k; j > 0; --j) {
    term *= double(j) / lambda;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return log_term(k, lambda) + std::log(sum);
}

// P(Poisson(lambda) ≤ k), from whichever side of the mean k lies on: O(√λ) terms, not O(k),
// and no underflow for a large λ.
double poisson_cdf(long k, double lambda) {
  if (lambda <= 0 || k < 0) return k < 0 ? 0.0 : 1.0;
  if (double(k) < lambda) return std::min(1.0, std::exp(log_lower_sum(k, lambda)));
  return std::max(0.0, 1.0 - std::exp(log_upper_sum(k + 1, lambda)));
}

// P(Binomial(n, p) ≤ k).
double binomial_cdf(long k, long n, double p) {
  if (k >= n) return 1.0;
  if (p <= 0) return 1.0;
  if (p >= 1) return 0.0;
  double sum = 0;
  for (long i = 0; i <= k; ++i) {
    const double lt = std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) -
                      std::lgamma(double(n - i) + 1) + double(i) * std::log(p) +
                      double(n - i) * std::log1p(-p);
    sum += std::exp(lt);
  }
  return std::min(1.0, sum);
}

// The root of a decreasing function f on [lo, hi] with f(lo) ≥ target ≥ f(hi), by bisection.
template <class F>
double solve_decreasing(F f, double target, double lo, double hi) {
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > target ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

double poisson_upper(long k, double alpha) {
  double hi = double(k) + 10 + 10 * std::sqrt(double(k) + 1);
  while (poisson_cdf(k, hi) > alpha) hi *= 2;
  return solve_decreasing([&](double l) { return poisson_cdf(k, l); }, alpha, 0.0, hi);
}

double binomial_upper(long k, long n, double alpha) {
  if (n <= 0 || k >= n) return 1.0;
  return solve_decreasing([&](double p) { return binomial_cdf(k, n, p); }, alpha, 0.0, 1.0);
}

double poisson_log_tail(long k, double lambda) {
  if (k <= 0) return 0.0;
  if (lambda <= 0) return -INFINITY;
  // Beyond the mean 1 − P(X ≤ k − 1) would lose every digit below 1e-16: sum the tail itself.
  if (double(k) > lambda) return log_upper_sum(k, lambda);
  return std::log(std::max(1e-300, 1.0 - poisson_cdf(k - 1, lambda)));
}

double poisson_tail(long k, double lambda) {
  return std::exp(poisson_log_tail(k, lambda));
}

double binomial_lower(long k, long n, double alpha) {
  if (n <= 0 || k <= 0) return 0.0;
  // P(Binomial(n, p) ≥ k) = alpha ⇔ P(Binomial(n, p) ≤ k − 1) = 1 − alpha: a sum of k terms (the
  // mirrored form, 1 − binomial_upper(n − k, n, alpha), sums n − k, slow for a large grid).
  return solve_decreasing([&](double p) { return binomial_cdf(k - 1, n, p); }, 1.0 - alpha, 0.0,
                          1.0);
}

void add_guess_tests(GuessTests& tests, const ca::RuleTable& table, const groups::Orbits& classes,
                     const ca::PatternCounts& before, const ca::PatternCounts& fresh) {
  for (int o = 0; o < classes.count(); ++o) {
    bool seen_before = false, seen_now = false;
    for (ca::Pattern q : classes.members(o)) {
      seen_before = seen_before || before.observed(q);
      seen_now = seen_now || fresh.observed(q);
    }
    if (seen_before || !seen_now) continue;
    // The class's first observation: its members' majority next states against the table.
    bool known = true, right = true;
    for (ca::Pattern q : classes.members(o)) {
      if (!fresh.observed(q)) continue;
      known = known && table.known(q);
      right = right && table.output(q) == (fresh.n[q][1] >= fresh.n[q][0]);
    }
    if (!known)
      ++tests.unknown;
    else if (right)
      ++tests.right;
    else
      ++tests.wrong;
  }
}

std::string RiskBound::summary() const {
  // When an appearance's simulated consequences outweigh the rare classes seen, say so: the bound
  // then rests on the simulation.
  const std::string cells =
      simulated_cells_per_appearance > rare_cells_per_appearance
          ? fmt::format("{:.3g} cells each (simulated; the rare classes seen: {:.3g})",
                        cells_per_appearance, rare_cells_per_appearance)
          : fmt::format("{:.3g} cells each", cells_per_appearance);
  return fmt::format(
      "estimated share of a fresh trajectory's cell updates predicted wrongly or not at all "
      "<= {:.3g} with confidence {:g} (new classes per trajectory <= {:.3g} from {} seen in one "
      "trajectory only of {}{}; {} of {:.0f}; wrong or unknown share of new classes <= {:.3g})",
      bound, confidence, new_classes_upper, singleton_classes, trajectories,
      trajectories >= 2 ? fmt::format(" and {} first seen in the last {}", recent_new_classes,
                                      recent_trajectories)
                        : std::string(),
      cells, cells_per_trajectory, wrong_share_upper);
}

namespace {

// One dimension of the region a planting is simulated in: a box of the frame around the planted
// cell, wide enough that what its cut edges get wrong cannot reach the light cone in time; or
// the whole torus dimension, which has no edge.
struct Span {
  int start = 0, size = 0, centre = 0;  // box start in the frame, its size, the cell within it
  bool edged = true;                    // cut edges (or the frame's own, in window mode)
  int distance(int i) const {
    const int d = std::abs(i - centre);
    return edged ? d : std::min(d, size - d);
  }
  // Whether a cell's whole neighbourhood is still right after k steps: what a cut edge gets wrong
  // spreads one cell a step.
  bool valid(int i, int k) const { return !edged || (i >= k + 1 && i <= size - 2 - k); }
};

Span span(int cell, int extent, int half, ca::Boundary boundary) {
  Span s;
  if (boundary == ca::Boundary::torus && 2 * half + 1 >= extent) {
    s.size = extent;
    s.centre = cell;
    s.edged = false;
  } else if (boundary == ca::Boundary::torus) {
    s.start = cell - half;  // read wrapped
    s.size = 2 * half + 1;
    s.centre = half;
  } else {
    s.start = std::max(0, cell - half);
    s.size = std::min(extent, cell + half + 1) - s.start;
    s.centre = cell - s.start;
  }
  return s;
}

}  // namespace

long planted_appearance_cells(const ca::RuleTable& flipped, const std::vector<bool>& unobserved,
                              const groups::Orbits& classes, const ca::Trajectory& trajectory,
                              int t, int row, int col, ca::Pattern planted, ca::Boundary boundary,
                              int max_steps) {
  CARL_CHECK(t >= 0 && t < trajectory.steps(), "frame {} of a trajectory of {} steps has no update",
             t, trajectory.steps());
  const ca::Grid& frame = trajectory.frames[std::size_t(t)];
  const int inset = boundary == ca::Boundary::window ? 1 : 0;
  CARL_CHECK(frame.height() >= 3 && frame.width() >= 3 && row >= inset &&
                 row < frame.height() - inset && col >= inset && col < frame.width() - inset,
             "cell ({}, {}) of a {}x{} frame cannot be planted", row, col, frame.height(),
             frame.width());
  CARL_CHECK(unobserved.size() == std::size_t(classes.count()) && flipped.complete(),
             "a planting needs a complete table and a mark for each of the {} classes",
             classes.count());
  const int steps = std::min(trajectory.steps() - 1 - t, max_steps);
  // The cone reaches k + 2 cells after k steps (the planted block's edge, then the patterns that
  // hold a changed cell); a cut edge's error must stay out of it for `steps` steps.
  const int half = 2 * steps + 4;
  const Span rows = span(row, frame.height(), half, boundary);
  const Span cols = span(col, frame.width(), half, boundary);
  ca::Grid g(rows.size, cols.size);
  for (int i = 0; i < rows.size; ++i)
    for (int j = 0; j < cols.size; ++j) g.set(i, j, frame.wrapped(rows.start + i, cols.start + j));
  for (int dr = 0; dr < 3; ++dr)
    for (int dc = 0; dc < 3; ++dc)
      g.set((rows.centre + dr - 1 + rows.size) % rows.size,
            (cols.centre + dc - 1 + cols.size) % cols.size, ca::pattern_cell(planted, dr, dc));
  const ca::Stepper stepper(flipped);
  long cells = 1;  // the planted update itself
  for (int k = 1; k <= steps; ++k) {
    g = stepper.step(g);
    for (int i = 0; i < rows.size; ++i) {
      if (!rows.valid(i, k) || rows.distance(i) > k + 2) continue;
      for (int j = 0; j < cols.size; ++j)
        if (cols.valid(j, k) && cols.distance(j) <= k + 2 &&
            unobserved[std::size_t(classes.orbit_of(ca::pattern_at(g, i, j)))])
          ++cells;
    }
  }
  return cells;
}

double simulated_appearance_cells(const ca::RuleTable& table, const groups::Orbits& classes,
                                  const ca::PatternCounts& counts,
                                  const std::vector<ca::Trajectory>& data, ca::Boundary boundary,
                                  std::uint64_t seed, double wrong_share) {
  std::vector<bool> unobserved(std::size_t(classes.count()), true);
  for (int p = 0; p < ca::kPatternCount; ++p)
    if (counts.observed(ca::Pattern(p)))
      unobserved[std::size_t(classes.orbit_of(ca::Pattern(p)))] = false;
  std::vector<int> never_observed;
  for (int o = 0; o < classes.count(); ++o)
    if (unobserved[std::size_t(o)]) never_observed.push_back(o);
  std::vector<const ca::Trajectory*> usable;
  for (const ca::Trajectory& t : data)
    if (t.steps() >= 1 && t.frames.front().height() >= 3 && t.frames.front().width() >= 3)
      usable.push_back(&t);
  if (never_observed.empty() || usable.empty()) return 1;
  // Draws by plain modulo of mt19937_64 and its top 53 bits: the same plantings on every
  // platform (no std distributions). At most 64 classes planted, 8 plantings each up to 32
  // classes and 4 to 8 above: at most 256 in all.
  std::mt19937_64 rng(seed);
  auto draw = [&](std::size_t n) { return std::size_t(rng() % n); };
  auto chance = [&] { return double(rng() >> 11) * 0x1.0p-53; };
  std::vector<int> planted_classes = never_observed;
  for (std::size_t i = planted_classes.size(); i > 1; --i)
    std::swap(planted_classes[i - 1], planted_classes[draw(i)]);
  if (planted_classes.size() > 64) planted_classes.resize(64);
  const int per_class = std::clamp(256 / int(planted_classes.size()), 1, 8);
  const ca::RuleTable base = ca::RuleTable::from_function(
      [&](ca::Pattern p) { return table.output(p); });  // unknown entries as 0
  auto flip = [&](ca::RuleTable& t, int o) {
    for (ca::Pattern q : classes.members(o)) t.set(q, !base.output(q));
  };
  double total = 0;
  long plantings = 0;
  for (int o : planted_classes) {
    const auto& members = classes.members(o);
    for (int k = 0; k < per_class; ++k) {
      // The world the bound assumes: the planted class wrong, every other never-observed class
      // wrong with the bound's share (a cascade can need several at once).
      ca::RuleTable flipped = base;
      flip(flipped, o);
      for (int other : never_observed)
        if (other != o && chance() < wrong_share) flip(flipped, other);
      const ca::Trajectory& tr = *usable[draw(usable.size())];
      const int t = int(draw(std::size_t(tr.steps())));
      const ca::Grid& f = tr.frames.front();
      // In window mode only an interior cell's neighbourhood is shown.
      const int inset = boundary == ca::Boundary::window ? 1 : 0;
      const int row = inset + int(draw(std::size_t(f.height() - 2 * inset)));
      const int col = inset + int(draw(std::size_t(f.width() - 2 * inset)));
      const ca::Pattern p = members[draw(members.size())];
      total += double(
          planted_appearance_cells(flipped, unobserved, classes, tr, t, row, col, p, boundary));
      ++plantings;
    }
  }
  return total / double(plantings);
}

RiskBound risk_bound(const std::vector<ca::PatternCounts>& per_trajectory,
                     const groups::Orbits& classes, const GuessTests& tests, double confidence,
                     double simulated_cells) {
  RiskBound b;
  b.confidence = confidence;
  b.trajectories = static_cast<int>(per_trajectory.size());
  if (per_trajectory.empty()) return b;
  const double alpha = (1 - confidence) / 2;
  const int n = b.trajectories;
  // In how many trajectories each class appears, and with how many cell updates.
  std::vector<int> appearances(std::size_t(classes.count()), 0);
  std::vector<double> cells(std::size_t(classes.count()), 0);
  double total_cells = 0;
  // The later half of the trajectories, whose classes seen for the first time count too (below).
  const int recent_from = n - std::max(1, n / 2);
  b.recent_trajectories = n - recent_from;
  for (std::size_t k = 0; k < per_trajectory.size(); ++k) {
    const ca::PatternCounts& c = per_trajectory[k];
    std::vector<double> here(std::size_t(classes.count()), 0);
    for (int p = 0; p < ca::kPatternCount; ++p)
      here[std::size_t(classes.orbit_of(ca::Pattern(p)))] += double(c.total(ca::Pattern(p)));
    for (std::size_t o = 0; o < here.size(); ++o) {
      if (here[o] <= 0) continue;
      if (appearances[o] == 0 && int(k) >= recent_from) ++b.recent_new_classes;
      ++appearances[o];
      cells[o] += here[o];
      total_cells += here[o];
    }
  }
  double rare_cells = 0, rare_appearances = 0;
  for (std::size_t o = 0; o < appearances.size(); ++o) {
    b.singleton_classes += appearances[o] == 1;
    if (appearances[o] >= 1 && appearances[o] <= 2) {
      rare_cells += cells[o];
      rare_appearances += appearances[o];
    }
  }
  b.rare_cells_per_appearance =
      rare_appearances > 0 ? std::max(1.0, rare_cells / rare_appearances) : 1;
  b.simulated_cells_per_appearance = simulated_cells;
  b.cells_per_appearance = std::max(b.rare_cells_per_appearance, simulated_cells);
  b.cells_per_trajectory = total_cells / n;
  if (b.cells_per_trajectory <= 0) return b;
  // S1/n estimates the expected number of new classes, over all the ways the data could have
  // come; a run that halts is one whose data happened to show few, and S1 can be 0 while a common
  // class is still unseen (classes that come together, each seen in two trajectories or more:
  // Life at density 0.05 on 16×16 tori halted with the blinker's classes unseen after 7
  // trajectories, S1 = 0, 5.4 δ held out). So the classes that the later half of the
  // trajectories showed for the first time bound the rate too, each limit at α/2, the larger
  // taken: a run halts only once new classes have stopped coming in its own recent data.
  const double recent_upper =
      n >= 2 ? poisson_upper(b.recent_new_classes, alpha) / b.recent_trajectories : 0.0;
  b.new_classes_upper = std::max(poisson_upper(b.singleton_classes, alpha) / n, recent_upper);
  b.missing_mass_estimate = std::min(
      1.0, double(b.singleton_classes) / n * b.cells_per_appearance / b.cells_per_trajectory);
  b.missing_mass_upper =
      std::min(1.0, b.new_classes_upper * b.cells_per_appearance / b.cells_per_trajectory);
  b.wrong_share_upper = binomial_upper(tests.wrong + tests.unknown, tests.tests(), alpha);
  b.bound = b.missing_mass_upper * b.wrong_share_upper;
  return b;
}

}  // namespace carl::extractor
