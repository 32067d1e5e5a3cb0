// Parameter transfer (learner/net.cpp's Net::transferred) from a *trained* plain net: the G-net
// must start as that net's orbit-average, not as a fresh net of the same seed.
#include <catch2/catch.hpp>
#include <cmath>

#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "groups/d4.h"
#include "learner/net.h"

using namespace carl;
using learner::Net;

namespace {
double logit(double p) {
  return std::log(p / (1 - p));
}
}  // namespace

TEST_CASE("transfer from a trained plain net: predictions are the orbit-average before any G-step",
          "[net][transfer]") {
  learner::NetConfig config;
  config.width = 8;
  config.precision = learner::Precision::float64;
  Net plain(config, groups::Subgroup(), 3);
  const Net untrained = plain.clone();
  const ca::RuleTable highlife = ca::parse_rule("B36/S23");
  learner::TrainConfig tc;
  tc.max_steps = 300;
  plain.train(ca::count_patterns(ca::simulate(highlife, ca::random_soup(32, 32, 0.4, 2), 8)), tc);
  const auto trained = plain.predict_patterns();
  const auto before = untrained.predict_patterns();
  // Training moved the net well away from its initialisation …
  double moved = 0;
  for (int p = 0; p < ca::kPatternCount; ++p)
    moved =
        std::max(moved, std::abs(logit(trained[std::size_t(p)]) - logit(before[std::size_t(p)])));
  REQUIRE(moved > 1.0);
  // … and the transferred G-net carries that training over, for every subgroup.
  for (const groups::Subgroup& g : groups::Subgroup::all()) {
    INFO(g.name());
    const auto pg = plain.transferred(g).predict_patterns();
    for (int p = 0; p < ca::kPatternCount; ++p) {
      double mean = 0;
      for (groups::Symmetry s : g.elements())
        mean += logit(trained[groups::apply(s, ca::Pattern(p))]);
      mean /= g.order();
      REQUIRE(logit(pg[std::size_t(p)]) == Approx(mean).margin(1e-6));
    }
  }
}
