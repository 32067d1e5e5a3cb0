#include "learner/symmetry.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ca/error.h"
#include "groups/invariance.h"
#include "groups/kernels.h"

namespace carl::learner {
namespace {

// ---- χ² tails -------------------------------------------------------------------------------

// The regularized upper incomplete gamma function Q(a, x) (Numerical Recipes: series below a + 1,
// Lentz's continued fraction above).
double gamma_q(double a, double x) {
  if (x <= 0) return 1.0;
  const double log_front = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000 && std::abs(term) > std::abs(sum) * 1e-15; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return std::max(0.0, 1.0 - sum * std::exp(log_front));
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, cf = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    cf = b + an / cf;
    if (std::abs(cf) < tiny) cf = tiny;
    d = 1 / d;
    const double delta = d * cf;
    h *= delta;
    if (std::abs(delta - 1) < 1e-15) break;
  }
  return std::exp(log_front) * h;
}

// P(X > x) for X ~ χ²(df).
double chi2_sf(double x, double df) {
  return df > 0 ? gamma_q(df / 2, x / 2) : (x > 0 ? 0.0 : 1.0);
}

// x with P(X > x) = alpha for X ~ χ²(df) (bisection; alpha in (0, 1)).
double chi2_upper_quantile(double alpha, double df) {
  double lo = 0, hi = std::max(1.0, df);
  while (chi2_sf(hi, df) > alpha) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-9 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (chi2_sf(mid, df) > alpha ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double xlogx_over(double n, double e) {
  return n > 0 ? n * std::log(n / e) : 0.0;
}

// The G statistic of homogeneity of next-state rates over the patterns of a class (a k×2 table).
double homogeneity_g(const ca::PatternCounts& counts, const std::vector<ca::Pattern>& members) {
  double col[2] = {0, 0}, total = 0;
  for (ca::Pattern p : members)
    for (int s = 0; s < 2; ++s) col[s] += double(counts.n[p][static_cast<std::size_t>(s)]);
  total = col[0] + col[1];
  if (total <= 0) return 0;
  double g = 0;
  for (ca::Pattern p : members) {
    const double row = double(counts.total(p));
    for (int s = 0; s < 2; ++s)
      g += xlogx_over(double(counts.n[p][static_cast<std::size_t>(s)]), row * col[s] / total);
  }
  return std::max(0.0, 2 * g);
}

// A pattern's majority next state is significant at 1 % (G-test against a fair coin), or -1.
int decided_majority(const ca::PatternCounts& counts, ca::Pattern p) {
  const double n0 = double(counts.n[p][0]), n1 = double(counts.n[p][1]), n = n0 + n1;
  if (n <= 0 || n0 == n1) return -1;
  static const double crit = chi2_upper_quantile(0.01, 1);
  const double g = 2 * (xlogx_over(n0, n / 2) + xlogx_over(n1, n / 2));
  return g > crit ? int(n1 > n0) : -1;
}

bool any_contradictory(const ca::PatternCounts& counts) {
  for (int p = 0; p < ca::kPatternCount; ++p)
    if (counts.contradictory(ca::Pattern(p))) return true;
  return false;
}

double noise_estimate_of(const ca::PatternCounts& counts) {
  // The median minority share of the 8 most observed patterns (the common patterns' counts are
  // mostly true occurrences, so their minority share is mostly flipped next states); 0 when no
  // pattern was seen twice.
  std::vector<std::pair<std::uint64_t, double>> seen;  // (count, minority share)
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const auto& n = counts.n[static_cast<std::size_t>(p)];
    if (n[0] + n[1] >= 2)
      seen.push_back({n[0] + n[1], double(std::min(n[0], n[1])) / double(n[0] + n[1])});
  }
  if (seen.empty()) return 0.0;
  std::sort(seen.begin(), seen.end(), [](auto a, auto b) { return a.first > b.first; });
  seen.resize(std::min<std::size_t>(seen.size(), 8));
  std::vector<double> shares;
  for (const auto& s : seen) shares.push_back(s.second);
  std::sort(shares.begin(), shares.end());
  return shares[shares.size() / 2];
}

// The test of one hypothesis "every class shares one rate" (an element g: the cycles of g on the
// patterns; a cell k: the pairs {p, p with k flipped}), and the pair counts that go with it.
struct Evidence {
  int agreeing = 0, contradicting = 0, compared = 0;
  std::array<int, 2> agreeing_on{};  // agreeing pairs by their shared next state
  double statistic = 0, p_value = 1;
  bool rejected = false;
};

// Writes element (cell) i's evidence into a verdict's per-element arrays.
template <class Verdict>
void record(Verdict& v, std::size_t i, const Evidence& e) {
  v.agreeing_pairs[i] = e.agreeing;
  v.contradicting_pairs[i] = e.contradicting;
  v.compared_pairs[i] = e.compared;
  v.statistic[i] = e.statistic;
  v.p_value[i] = e.p_value;
  v.score[i] = e.compared ? double(e.contradicting) / e.compared : 1.0;
}

// The pairs whose two patterns both occur in the data: the only ones that can agree or contradict.
std::vector<std::pair<ca::Pattern, ca::Pattern>> observed_pairs(
    const ca::PatternCounts& counts,
    const std::vector<std::pair<ca::Pattern, ca::Pattern>>& pairs) {
  std::vector<std::pair<ca::Pattern, ca::Pattern>> observed;
  for (auto [a, b] : pairs)
    if (counts.observed(a) && counts.observed(b)) observed.push_back({a, b});
  return observed;
}

Evidence weigh(const ca::PatternCounts& counts,
               const std::vector<std::vector<ca::Pattern>>& classes,
               const std::vector<std::pair<ca::Pattern, ca::Pattern>>& pairs, bool noisy,
               double alpha) {
  Evidence e;
  const auto observed = observed_pairs(counts, pairs);
  e.compared = static_cast<int>(observed.size());
  if (!noisy) {
    // Exact: every observed pattern has one next state; a pair with two different ones rejects.
    for (auto [a, b] : observed) {
      const bool differ = (counts.n[a][1] > 0) != (counts.n[b][1] > 0);
      (differ ? e.contradicting : e.agreeing) += 1;
      if (!differ) ++e.agreeing_on[counts.n[a][1] > 0];
      if (differ) e.statistic += homogeneity_g(counts, {a, b});
    }
    e.rejected = e.contradicting > 0;
    e.p_value = e.rejected ? 0.0 : 1.0;
    return e;
  }
  // Noisy: G-tests of homogeneity per class, summed and Bonferroni over classes.
  double df = 0, min_p = 1;
  int tested = 0;
  for (const auto& members : classes) {
    std::vector<ca::Pattern> seen;
    for (ca::Pattern p : members)
      if (counts.observed(p)) seen.push_back(p);
    if (seen.size() < 2) continue;
    const double g = homogeneity_g(counts, seen);
    const double k = double(seen.size() - 1);
    e.statistic += g;
    df += k;
    ++tested;
    min_p = std::min(min_p, chi2_sf(g, k));
  }
  if (tested > 0) e.p_value = std::min({1.0, chi2_sf(e.statistic, df), min_p * tested});
  e.rejected = e.p_value < alpha;
  const double pair_crit =
      chi2_upper_quantile(alpha / std::max<std::size_t>(1, observed.size()), 1);
  for (auto [a, b] : observed) {
    if (homogeneity_g(counts, {a, b}) > pair_crit) {
      ++e.contradicting;
      continue;
    }
    const int ma = decided_majority(counts, a);
    if (ma >= 0 && ma == decided_majority(counts, b)) {
      ++e.agreeing;
      ++e.agreeing_on[std::size_t(ma)];
    }
  }
  return e;
}

// Noisy data and a cell k: the rates of p and p with k flipped need not be equal even when the
// rule ignores k. A rare pattern's counts are mostly corrupted copies of its common Hamming
// neighbours, weighted by how often each occurs, and flipping one cell (unlike g) is no symmetry
// of those frequencies, so the two mixtures differ. What the rule fixes is the majority: a pair
// contradicts when the two patterns have opposite majorities, each significant (G-test against a
// fair coin) at alpha / (pairs compared); it agrees when both have the same majority, significant
// at 1 %. detect_support asks for agreement on most pairs (support_coverage), since rare
// patterns' majorities say little.
Evidence weigh_majorities(const ca::PatternCounts& counts,
                          const std::vector<std::pair<ca::Pattern, ca::Pattern>>& pairs,
                          double alpha) {
  Evidence e;
  const auto observed = observed_pairs(counts, pairs);
  e.compared = static_cast<int>(observed.size());
  auto majority = [&](ca::Pattern p) -> std::pair<int, double> {  // state (-1: tie), p-value
    const double n0 = double(counts.n[p][0]), n1 = double(counts.n[p][1]), n = n0 + n1;
    if (n0 == n1) return {-1, 1.0};
    return {int(n1 > n0), chi2_sf(2 * (xlogx_over(n0, n / 2) + xlogx_over(n1, n / 2)), 1)};
  };
  for (auto [a, b] : observed) {
    e.statistic += homogeneity_g(counts, {a, b});
    const auto [ma, pa] = majority(a);
    const auto [mb, pb] = majority(b);
    if (ma >= 0 && mb >= 0 && ma != mb) {
      const double p = std::min(1.0, std::max(pa, pb) * double(observed.size()));
      e.p_value = std::min(e.p_value, p);
      e.contradicting += p < alpha;
      continue;
    }
    const int da = decided_majority(counts, a);
    if (da >= 0 && da == decided_majority(counts, b)) {
      ++e.agreeing;
      ++e.agreeing_on[std::size_t(da)];
    }
  }
  e.rejected = e.contradicting > 0;
  return e;
}

// The cycles of g on the 512 patterns (fixed points left out) and the pairs {p, g·p}.
std::vector<std::vector<ca::Pattern>> cycles_of(groups::Symmetry g) {
  std::vector<std::vector<ca::Pattern>> out;
  std::vector<bool> done(ca::kPatternCount, false);
  for (int p = 0; p < ca::kPatternCount; ++p) {
    if (done[static_cast<std::size_t>(p)]) continue;
    std::vector<ca::Pattern> cycle;
    for (ca::Pattern q = ca::Pattern(p); !done[q]; q = groups::apply(g, q)) {
      done[q] = true;
      cycle.push_back(q);
    }
    if (cycle.size() > 1) out.push_back(std::move(cycle));
  }
  return out;
}

std::vector<std::pair<ca::Pattern, ca::Pattern>> pairs_of(groups::Symmetry g) {
  // Every unordered pair {p, g·p}, p ≠ g·p, once (a 4-cycle of a quarter turn gives 4 pairs).
  std::vector<std::pair<ca::Pattern, ca::Pattern>> out;
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const ca::Pattern a = ca::Pattern(p), b = groups::apply(g, a);
    if (b > a || (b < a && groups::apply(g, b) != a))
      out.push_back({std::min(a, b), std::max(a, b)});
  }
  return out;
}

// Noisy mode: no orbit of the group may show two rates (element-wise agreement does not make a
// partial table invariant under the whole group).
bool orbits_homogeneous(const ca::PatternCounts& counts, groups::Subgroup group, double alpha) {
  const groups::Orbits orbits(group);
  std::vector<std::vector<ca::Pattern>> classes;
  for (int o = 0; o < orbits.count(); ++o) classes.push_back(orbits.members(o));
  return !weigh(counts, classes, {}, true, alpha).rejected;
}

}  // namespace

groups::Subgroup largest_passing_subgroup(const std::array<bool, groups::kD4Order>& passes) {
  groups::Subgroup best;
  for (const groups::Subgroup& g : groups::Subgroup::all()) {
    bool all = true;
    for (groups::Symmetry s : g.elements()) all = all && passes[static_cast<std::size_t>(s)];
    if (all && g.order() > best.order()) best = g;
  }
  return best;
}

std::string SymmetryVerdict::summary() const {
  std::string s = fmt::format("{}: {} (", method.name(), group.name());
  if (noisy) s += fmt::format("noise ~{:.2g}; ", noise_estimate);
  // A fixed group measures nothing: no score, only which elements it holds.
  const bool fixed = method.kind == SymmetryMethod::fixed;
  for (groups::Symmetry g : groups::kD4) {
    if (g == groups::Symmetry::identity) continue;
    const auto i = static_cast<std::size_t>(g);
    s += fmt::format("{}{}", g == groups::Symmetry::rot90 ? "" : ", ", groups::name(g));
    if (!fixed)
      s += noisy ? fmt::format(" p={:.2g}", p_value[i]) : fmt::format(" {:.3g}", score[i]);
    s += passes[i] ? " ok" : " no";
  }
  return s + ")";
}

void SymmetryVerdict::set_group(groups::Subgroup g) {
  group = g;
  if (method.kind == SymmetryMethod::fixed)
    for (groups::Symmetry e : groups::kD4) passes[static_cast<std::size_t>(e)] = g.contains(e);
}

SymmetryVerdict detect_symmetry(const SymmetryMethod& method, const ca::PatternCounts& counts,
                                const Net* net, const SymmetryOptions& o) {
  SymmetryVerdict v;
  v.method = method;
  if (method.kind == SymmetryMethod::fixed) {
    v.set_group(method.group);
    return v;
  }
  if (method.kind == SymmetryMethod::data) {
    v.noisy = any_contradictory(counts);
    v.noise_estimate = noise_estimate_of(counts);
    for (groups::Symmetry g : groups::kD4) {
      const auto i = static_cast<std::size_t>(g);
      if (g == groups::Symmetry::identity) {
        v.passes[i] = true;
        v.p_value[i] = 1;
        continue;
      }
      const Evidence e = weigh(counts, cycles_of(g), pairs_of(g), v.noisy, o.significance);
      record(v, i, e);
      v.passes[i] = !e.rejected && e.agreeing >= o.min_evidence;
    }
    v.group = largest_passing_subgroup(v.passes);
    // Element-wise agreement does not make a partial table invariant under the whole group.
    const ca::RuleTable forced = groups::forced_table(counts);
    while (v.noisy ? !orbits_homogeneous(counts, v.group, o.significance)
                   : !groups::is_invariant(forced, v.group)) {
      v.passes[static_cast<std::size_t>(v.group.generators().back())] = false;
      v.group = largest_passing_subgroup(v.passes);
    }
    return v;
  }
  if (!net)
    throw InputError(fmt::format("symmetry method '{}' needs a trained net", method.name()));
  if (method.kind == SymmetryMethod::function) {
    const auto p = net->predict_patterns();
    auto support = [&](int q) {
      const double n = double(counts.total(ca::Pattern(q)));
      return n / (n + 1);
    };
    for (groups::Symmetry g : groups::kD4) {
      double weight = 0, disagree = 0;
      for (int a = 0; a < ca::kPatternCount; ++a) {
        const int b = groups::apply(g, ca::Pattern(a));
        const double w = support(a) * support(b);
        weight += w;
        disagree += w * ((p[std::size_t(a)] > 0.5) != (p[std::size_t(b)] > 0.5));
      }
      const auto i = static_cast<std::size_t>(g);
      v.score[i] = weight > 0 ? disagree / weight : 1.0;
      v.passes[i] = g == groups::Symmetry::identity ||
                    (weight >= o.min_evidence && v.score[i] <= o.function_tolerance);
    }
    v.group = largest_passing_subgroup(v.passes);
    return v;
  }
  {  // kernels
    // A net that predicts one next state for every pattern (weight decay won and its kernels
    // decayed to rounding noise) shows nothing: it claims nothing.
    const auto predicted = net->predict_patterns();
    const bool alive = *std::max_element(predicted.begin(), predicted.end()) > 0.5 &&
                       *std::min_element(predicted.begin(), predicted.end()) < 0.5;
    const auto scores = groups::closure_scores(net->first_layer_kernels());
    for (groups::Symmetry g : groups::kD4) {
      const auto i = static_cast<std::size_t>(g);
      v.score[i] = scores[i].distance;
      v.passes[i] = g == groups::Symmetry::identity || (alive && v.score[i] <= o.kernel_tolerance);
    }
    v.group = largest_passing_subgroup(v.passes);
    return v;
  }
}

std::string SupportVerdict::summary() const {
  std::string s = fmt::format("support: {} (", groups::support_name(ignored));
  for (int k = 8; k >= 0; --k) {
    const auto i = static_cast<std::size_t>(k);
    s += fmt::format("{}{} {}/{}{}", k == 8 ? "" : ", ", ca::cell_name(k), contradicting_pairs[i],
                     compared_pairs[i], passes[i] ? " ignored" : "");
  }
  return s + ")";
}

SupportVerdict detect_support(const ca::PatternCounts& counts, groups::Subgroup g,
                              const SymmetryOptions& o, const Net* plain_net) {
  SupportVerdict v;
  v.noisy = any_contradictory(counts);
  std::array<double, 9> weight{};
  if (plain_net) {
    v.used_kernels = true;
    for (const Eigen::MatrixXd& k : plain_net->first_layer_kernels())
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
          weight[static_cast<std::size_t>(ca::pattern_bit(r, c))] += k(r, c) * k(r, c);
    const double strongest = std::sqrt(*std::max_element(weight.begin(), weight.end()));
    for (double& w : weight) w = strongest > 0 ? std::sqrt(w) / strongest : 0.0;
    v.kernel_weight = weight;
  }
  for (int k = 0; k < 9; ++k) {
    const auto i = static_cast<std::size_t>(k);
    std::vector<std::vector<ca::Pattern>> classes;
    std::vector<std::pair<ca::Pattern, ca::Pattern>> pairs;
    for (int p = 0; p < ca::kPatternCount; ++p)
      if (!((p >> k) & 1)) {
        const ca::Pattern a = ca::Pattern(p), b = ca::Pattern(p | (1 << k));
        classes.push_back({a, b});
        pairs.push_back({a, b});
      }
    const Evidence e = v.noisy ? weigh_majorities(counts, pairs, o.support_significance)
                               : weigh(counts, classes, pairs, false, o.significance);
    record(v, i, e);
    // Pairs that agree on one next state only say nothing about the cell: a soup that dies at
    // once shows every pair going to 0, and "no cell matters" then fills the whole table with 0
    // (B8/S, 16×16 at density 0.3, once certified B/S that way).
    v.passes[i] = !e.rejected && std::min(e.agreeing_on[0], e.agreeing_on[1]) >= o.min_evidence &&
                  (!v.noisy || e.agreeing >= o.support_coverage * e.compared) &&
                  (!plain_net || weight[i] <= o.support_kernel_tolerance);
  }
  // Keep a cell only when its whole G-orbit passes: then the mask is G-invariant.
  for (int k = 0; k < 9; ++k) {
    const groups::CellMask cell = groups::CellMask(1u << k);
    const groups::CellMask orbit = groups::invariant_closure(g, cell);
    bool all = true;
    for (int j = 0; j < 9; ++j)
      if ((orbit >> j) & 1) all = all && v.passes[static_cast<std::size_t>(j)];
    if (all) v.ignored |= cell;
  }
  // Data in which no neighbour matters show too little (a soup that stays still, dies or fills at
  // once), not a rule of the centre alone: B3/S012345678 at density 0.9 never shows a birth, and
  // "only the centre matters" then filled every B3 entry from the observed dead centres.
  if ((v.ignored | groups::kCentre) == groups::kAllCells) v.ignored = 0;
  return v;
}

}  // namespace carl::learner
