#include "learner/symmetry.h"

#include "ca/error.h"
#include "groups/invariance.h"
#include "groups/kernels.h"

namespace carl::learner {

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
  std::string s = fmt::format("{}: {} (", method, group.name());
  for (groups::Symmetry g : groups::kD4) {
    if (g == groups::Symmetry::identity) continue;
    const auto i = static_cast<std::size_t>(g);
    s += fmt::format("{}{} {:.3g}{}", g == groups::Symmetry::rot90 ? "" : ", ", groups::name(g),
                     score[i], passes[i] ? " ok" : " no");
  }
  return s + ")";
}

SymmetryVerdict detect_symmetry(const std::string& method, const ca::PatternCounts& counts,
                                const Net* net, const SymmetryOptions& o) {
  SymmetryVerdict v;
  v.method = method;
  if (method.rfind("fixed:", 0) == 0) {
    v.group = groups::Subgroup::parse(method.substr(6));
    for (groups::Symmetry g : groups::kD4)
      v.passes[static_cast<std::size_t>(g)] = v.group.contains(g);
    return v;
  }
  if (method == "data") {
    const ca::RuleTable forced = groups::forced_table(counts);
    for (groups::Symmetry g : groups::kD4) {
      int compared = 0, contradicting = 0;
      for (int p = 0; p < ca::kPatternCount; ++p) {
        const ca::Pattern a = ca::Pattern(p), b = groups::apply(g, a);
        if (b <= a || !forced.known(a) || !forced.known(b)) continue;
        ++compared;
        contradicting += forced.output(a) != forced.output(b);
      }
      const auto i = static_cast<std::size_t>(g);
      v.score[i] = compared ? double(contradicting) / compared : 1.0;
      v.passes[i] =
          g == groups::Symmetry::identity || (contradicting == 0 && compared >= o.min_evidence);
    }
    v.group = largest_passing_subgroup(v.passes);
    // Element-wise agreement does not make a partial table invariant under the whole group.
    while (!groups::is_invariant(forced, v.group)) {
      v.passes[static_cast<std::size_t>(v.group.generators().back())] = false;
      v.group = largest_passing_subgroup(v.passes);
    }
    return v;
  }
  if (method != "function" && method != "kernels")
    throw InputError(
        fmt::format("unknown symmetry method '{}' (data, function, kernels, "
                    "fixed:<group>)",
                    method));
  if (!net) throw InputError(fmt::format("symmetry method '{}' needs a trained net", method));
  if (method == "function") {
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
  if (method == "kernels") {
    const auto scores = groups::closure_scores(net->first_layer_kernels());
    for (groups::Symmetry g : groups::kD4) {
      const auto i = static_cast<std::size_t>(g);
      v.score[i] = scores[i].distance;
      v.passes[i] = v.score[i] <= o.kernel_tolerance;
    }
    v.group = largest_passing_subgroup(v.passes);
    return v;
  }
  throw InputError(
      fmt::format("unknown symmetry method '{}' (data, function, kernels, "
                  "fixed:<group>)",
                  method));
}

}  // namespace carl::learner
