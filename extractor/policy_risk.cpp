// The risk policy: halt with a stated bound instead of waiting for patterns a provider shows
// rarely or never — when, with the configured confidence, at most a share delta of a fresh
// trajectory's cell updates would be predicted wrongly or not at all (extractor/risk.h). Exact
// proofs (halting.h's proven_by_data) halt at once, as for the certified policy.
#include <fmt/format.h>

#include "extractor/halting.h"

namespace carl::extractor {
namespace {

class RiskPolicy : public HaltingPolicy {
 public:
  explicit RiskPolicy(const StoppingOptions& o) : o_(o) {}
  std::string name() const override { return "risk"; }

  Decision decide(const RoundState& s) override {
    if (auto proof = proven_by_data(s, o_)) return *proof;
    // The observed entries must be right before unobserved ones are worth bounding. On noise-free
    // data they are proven, so a miss means classes left unknown: more data, not more training.
    if (s.noise_free && s.one_step > 0)
      return {Action::request,
              fmt::format("the rule leaves {:.3g} of the observed updates unknown", s.one_step),
              std::nullopt};
    if (!s.noise_free && s.one_step > o_.tolerance) {
      const std::string misses =
          fmt::format("the rule misses {:.3g} of the observed updates (tolerance {:g})", s.one_step,
                      o_.tolerance);
      // No rule does better on noisy data than its majority table, whose error is the noise rate:
      // training on cannot reach a tolerance below it (a tolerance of 0 under noise had trained
      // on for 63 rounds, then stopped with 1 of its 12 trajectories asked for). Nor is training
      // on twice on the same data worth a round: ask for data instead.
      if (s.one_step <= s.noise_rate * (1 + 1e-9))
        return {Action::request,
                fmt::format("{}, no more than the data's own noise rate {:.3g}: no rule meets the "
                            "tolerance on these data",
                            misses, s.noise_rate),
                std::nullopt};
      if (trained_on_at_ == s.trajectories)
        return {Action::request, misses + ", after training on: more data", std::nullopt};
      trained_on_at_ = s.trajectories;
      return {Action::train_on, misses, std::nullopt};
    }
    // Over the orbits of G itself: an orbit that only a merge over ignored cells filled is as
    // unobserved as any (docs/halting.md, "The cells a rule ignores prove nothing"). Over single
    // patterns, all 512, when G filled entries in orbits the data show asymmetric without being
    // backed there (asymmetry_filled): each such entry is then a class of its own, never
    // observed (the orbits the data do not break are split too: more cautious, not less).
    const bool g_unbacked = s.noise_free && s.counts != nullptr &&
                            asymmetry_filled(*s.rule, *s.counts, o_.min_symmetry_pairs).any();
    const groups::Orbits classes(g_unbacked ? groups::Subgroup() : s.rule->group);
    RiskBound b = risk_bound(*s.per_trajectory, classes, s.guesses, o_.confidence);
    // A class that sets off a cascade when it first appears costs far more cells than the rare
    // classes seen so far: simulate what an appearance sets off before halting on the bound (only
    // then: it can only raise the bound).
    if (b.bound <= o_.delta && s.data != nullptr && s.counts != nullptr)
      b = risk_bound(
          *s.per_trajectory, classes, s.guesses, o_.confidence,
          simulated_appearance_cells(s.rule->table, classes, *s.counts, *s.data, s.boundary,
                                     s.simulation_seed, b.wrong_share_upper));
    const auto n = s.rule->count_by_provenance();
    // On noisy data the observed updates are not all predicted: say how many are not, beside
    // the bound, which covers the classes never observed.
    const std::string observed =
        s.noise_free ? std::string("exact on every observed pattern")
                     : fmt::format(
                           "{:.3g} of the observed updates mispredicted (noisy data; "
                           "tolerance {:g}); of the classes never observed:",
                           s.one_step, o_.tolerance);
    if (b.bound <= o_.delta)
      return {
          Action::halt,
          fmt::format("risk bound: {}{} {} (delta {:g}); {} entries generalized, {} unknown",
                      observed, s.noise_free ? ";" : "", b.summary(), o_.delta,
                      n[std::size_t(Provenance::generalized)], n[std::size_t(Provenance::unknown)]),
          b};
    return {Action::request, fmt::format("risk bound {:.3g} > delta {:g}", b.bound, o_.delta), b};
  }

 private:
  StoppingOptions o_;
  int trained_on_at_ = -1;  // the trajectories trained on when it last said train on
};

}  // namespace

std::unique_ptr<HaltingPolicy> make_risk_policy(const StoppingOptions& o) {
  return std::make_unique<RiskPolicy>(o);
}

}  // namespace carl::extractor
