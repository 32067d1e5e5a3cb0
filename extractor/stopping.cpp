#include "extractor/stopping.h"

namespace carl::extractor {

const char* name(Decision d) {
  switch (d) {
    case Decision::request:
      return "request";
    case Decision::train_on:
      return "train on";
    case Decision::halt:
      return "halt";
  }
  return "?";
}

Decision seed_policy(const StoppingOptions& o, double l1, double l2) {
  if (l2 <= o.epsilon) return Decision::halt;
  if (l1 > o.l1_threshold && l2 > o.l2_threshold) return Decision::request;
  return Decision::train_on;
}

}  // namespace carl::extractor
