// The seed's policy: halt when the rule's own rollout matches the data (L2 ≤ ε); ask for more
// data when both the net (L1) and the rule (L2) are still off; otherwise keep training.
#include <fmt/format.h>

#include <algorithm>

#include "extractor/halting.h"

namespace carl::extractor {
namespace {

class SeedPolicy : public HaltingPolicy {
 public:
  explicit SeedPolicy(const StoppingOptions& o) : o_(o) {}
  std::string name() const override { return "seed"; }
  Decision decide(const RoundState& s) override {
    if (s.noise_rate <= 0) return seed_decision(o_, s.l1, s.l2, o_.epsilon);
    // Against noisy frames a rollout from a noisy x_0 drifts away even under the true rule, and
    // each step still shows an error of a few times the noise rate (the output flipped, or an
    // input cell flipped where the rule is sensitive to it): judge the rule one step at a time,
    // with ε raised to noise_epsilon × the estimated noise rate.
    const double epsilon = std::max(o_.epsilon, o_.noise_epsilon * s.noise_rate);
    Decision d = seed_decision(o_, s.l1, s.one_step, epsilon, "the one-step error");
    d.reason += fmt::format(" (noise rate {:.3g})", s.noise_rate);
    return d;
  }

 private:
  StoppingOptions o_;
};

}  // namespace

Decision seed_decision(const StoppingOptions& o, double l1, double l2, double epsilon,
                       const char* l2_name) {
  if (l2 <= epsilon)
    return {Action::halt, fmt::format("{} = {:.3g} <= epsilon = {:.3g}", l2_name, l2, epsilon),
            std::nullopt};
  if (l1 > o.l1_threshold && l2 > o.l2_threshold)
    return {Action::request,
            fmt::format("L1 = {:.3g} and {} = {:.3g} above their thresholds", l1, l2_name, l2),
            std::nullopt};
  return {Action::train_on, fmt::format("L1 = {:.3g} within its threshold: train on", l1),
          std::nullopt};
}

std::unique_ptr<HaltingPolicy> make_seed_policy(const StoppingOptions& o) {
  return std::make_unique<SeedPolicy>(o);
}

}  // namespace carl::extractor
