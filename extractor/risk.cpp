#include "extractor/risk.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
  return fmt::format(
      "estimated share of a fresh trajectory's cell updates predicted wrongly or not at all "
      "<= {:.3g} with confidence {:g} (new classes per trajectory <= {:.3g} from {} seen in one "
      "trajectory only of {}; {:.3g} cells each of {:.0f}; wrong or unknown share of new "
      "classes <= {:.3g})",
      bound, confidence, new_classes_upper, singleton_classes, trajectories, cells_per_appearance,
      cells_per_trajectory, wrong_share_upper);
}

RiskBound risk_bound(const std::vector<ca::PatternCounts>& per_trajectory,
                     const groups::Orbits& classes, const GuessTests& tests, double confidence) {
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
  for (const ca::PatternCounts& c : per_trajectory) {
    std::vector<double> here(std::size_t(classes.count()), 0);
    for (int p = 0; p < ca::kPatternCount; ++p)
      here[std::size_t(classes.orbit_of(ca::Pattern(p)))] += double(c.total(ca::Pattern(p)));
    for (std::size_t o = 0; o < here.size(); ++o) {
      if (here[o] <= 0) continue;
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
  b.cells_per_appearance = rare_appearances > 0 ? std::max(1.0, rare_cells / rare_appearances) : 1;
  b.cells_per_trajectory = total_cells / n;
  if (b.cells_per_trajectory <= 0) return b;
  b.new_classes_upper = poisson_upper(b.singleton_classes, alpha) / n;
  b.missing_mass_estimate = std::min(
      1.0, double(b.singleton_classes) / n * b.cells_per_appearance / b.cells_per_trajectory);
  b.missing_mass_upper =
      std::min(1.0, b.new_classes_upper * b.cells_per_appearance / b.cells_per_trajectory);
  b.wrong_share_upper = binomial_upper(tests.wrong + tests.unknown, tests.tests(), alpha);
  b.bound = b.missing_mass_upper * b.wrong_share_upper;
  return b;
}

}  // namespace carl::extractor
