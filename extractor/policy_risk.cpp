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
    if (!s.noise_free && s.one_step > o_.tolerance)
      return {Action::train_on,
              fmt::format("the rule misses {:.3g} of the observed updates", s.one_step),
              std::nullopt};
    // Over the orbits of G itself: an orbit that only a merge over ignored cells filled is as
    // unobserved as any (docs/halting.md, "The cells a rule ignores prove nothing").
    const groups::Orbits classes(s.rule->group);
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
};

}  // namespace

std::unique_ptr<HaltingPolicy> make_risk_policy(const StoppingOptions& o) {
  return std::make_unique<RiskPolicy>(o);
}

}  // namespace carl::extractor
