#pragma once
// Halting policies: when to ask the provider for another trajectory, keep training, or halt.
#include <string>

namespace carl::extractor {

struct StoppingOptions {
  std::string policy = "certified";  // certified | seed
  // seed policy: halt when L2 ≤ epsilon; request when L1 > l1_threshold and L2 > l2_threshold;
  // otherwise train on.
  double epsilon = 0.0;
  double l1_threshold = 0.0;
  double l2_threshold = 0.0;
  // certified policy: judge a complete R_θ on a trajectory it was not trained on; halt when its
  // error there is ≤ tolerance (0: not one wrong cell), measured by rollout or one_step.
  std::string certify_on = "rollout";  // rollout | one_step
  double tolerance = 0.0;
  // Halt only when every generalized entry (never observed, the nets' guess) occurs in the
  // judged trajectory, so that the judgement covers it: no entry rests on a guess alone.
  bool verify_generalized = true;
  int max_trajectories = 16;
  int max_rounds = 64;
};

enum class Decision { request, train_on, halt };
const char* name(Decision d);

// The seed policy's decision from the losses on the data so far.
Decision seed_policy(const StoppingOptions& o, double l1, double l2);

}  // namespace carl::extractor
