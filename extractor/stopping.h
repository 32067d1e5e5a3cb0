#pragma once
// Halting policies: when to ask the provider for another trajectory, keep training, or halt.
#include <utility>

namespace carl::extractor {

// Closed choices (ca/choice.h): parsed once at the config edge, printed with the same words.
enum class Policy { certified, risk, seed };  // extractor/halting.h, docs/halting.md
enum class CertifyOn { rollout, one_step };   // the certified policy's judgement

inline constexpr std::pair<Policy, const char*> kPolicyWords[] = {
    {Policy::certified, "certified"}, {Policy::risk, "risk"}, {Policy::seed, "seed"}};
constexpr const auto& choice_words(Policy) {
  return kPolicyWords;
}
inline constexpr std::pair<CertifyOn, const char*> kCertifyOnWords[] = {
    {CertifyOn::rollout, "rollout"}, {CertifyOn::one_step, "one_step"}};
constexpr const auto& choice_words(CertifyOn) {
  return kCertifyOnWords;
}

struct StoppingOptions {
  Policy policy = Policy::certified;
  // seed policy: halt when L2 ≤ epsilon; request when L1 > l1_threshold and L2 > l2_threshold;
  // otherwise train on.
  // Under observation noise (some pattern seen with both next states) the rule is judged one step
  // at a time and ε is raised to noise_epsilon × the estimated noise rate — the share of
  // observations that disagree with their pattern's majority, which is exactly the one-step error
  // of the majority table on the data: the floor that even the true rule shows against noisy
  // frames. Above 1 it tolerates wrong entries on that share of the updates.
  double epsilon = 0.0;
  double noise_epsilon = 1.1;
  double l1_threshold = 0.0;
  double l2_threshold = 0.0;
  // certified policy: judge a complete R_θ on a trajectory it was not trained on; halt when its
  // error there is ≤ tolerance (0: not one wrong cell), measured by rollout or one_step.
  CertifyOn certify_on = CertifyOn::rollout;
  double tolerance = 0.0;
  // Under observation noise, judged one step at a time: a fresh error above the tolerance still
  // certifies when it is not above the rule's one-step error on its training data at 99 %
  // confidence. That error is the floor noise puts under even the true rule (a rule whose output
  // depends on many cells misreads more noisy neighbourhoods), which a fixed tolerance may not
  // admit; a wrong entry shows as error beyond it, or in its own class's updates.
  bool noise_floor = true;
  // Halt only when every generalized entry (never observed, the nets' guess) occurs in the
  // judged trajectory, so that the judgement covers it: no entry rests on a guess alone.
  bool verify_generalized = true;
  // certified and risk: halt without a fresh trajectory when the data prove the table — every
  // pattern observed, or every class of G observed and each symmetry of G (and each ignored cell)
  // supported by at least this many agreeing pairs of observed patterns (0: never on symmetry).
  int min_symmetry_pairs = 24;
  // risk policy: halt when, with this confidence, at most a share delta of a fresh trajectory's
  // cell updates is predicted wrongly or not at all (extractor/risk.h).
  double delta = 0.001;
  double confidence = 0.95;
  int max_trajectories = 16;
  int max_rounds = 64;
};

}  // namespace carl::extractor
