#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>

#include "ca/rulestring.h"
#include "learner/committee.h"
#include "learner/torch_backend.h"
#include "provider/builtin.h"

using namespace carl;

TEST_CASE("committee members differ by seed and agree on the data", "[committee]") {
  const ca::RuleTable rule = ca::parse_rule("B36/S23");
  const ca::PatternCounts counts =
      ca::count_patterns(ca::simulate(rule, ca::random_soup(24, 24, 0.4, 1), 10));
  learner::Committee c(learner::NetConfig{}, groups::Subgroup::parse("p4m"), 3, 7);
  REQUIRE(c.size() == 3);
  const auto before = c.predictions();
  REQUIRE(before[0] != before[1]);  // different initialisations
  for (const auto& r : c.train(counts, learner::TrainConfig{})) REQUIRE(r.converged);
  for (const auto& p : c.predictions())
    for (int q = 0; q < 512; ++q)
      if (counts.observed(ca::Pattern(q)))
        REQUIRE((p[std::size_t(q)] > 0.5) == rule.output(ca::Pattern(q)));
  REQUIRE(learner::member_seed(7, 0) != learner::member_seed(7, 1));
}

TEST_CASE("a member stuck at a bad start is restarted", "[committee]") {
  // Measured: with these data and seed, member 2's first initialisation never leaves a loss of
  // 0.65 (3000 steps, 494 patterns misfitted); the restart converges.
  provider::ProviderOptions po;
  po.rule = "B57/S23467";
  po.height = po.width = 64;
  po.steps = 32;
  po.density = 0.5;
  po.seed = 1;
  const ca::PatternCounts counts = ca::count_patterns(provider::HiddenRuleWorld(po).trajectory(0));
  // float64: the committee's batched step and Net::train then differ only in summation order.
  learner::NetConfig nc;
  nc.precision = learner::Precision::float64;
  learner::Committee c(nc, groups::Subgroup::parse("p4m"), 3, 1);
  const auto reports = c.train(counts, learner::TrainConfig{});
  for (const auto& r : reports) REQUIRE(r.converged);
  REQUIRE(reports[2].steps > 3000);  // it took the restart
  // The restart is the seeded fresh net member_seed(seed of member 2, 1001), on the committee's
  // device, and it is what a net of that seed trained alone becomes.
  const std::uint64_t restart_seed = learner::member_seed(learner::member_seed(1, 2), 1001);
  REQUIRE(c.members()[2].seed() == restart_seed);
  REQUIRE(c.members()[0].seed() == learner::member_seed(1, 0));
  for (const auto& m : c.members()) REQUIRE(m.device() == c.device());
  learner::Net alone(nc, groups::Subgroup::parse("p4m"), restart_seed);
  const auto r = alone.train(counts, learner::TrainConfig{});
  REQUIRE(r.converged);
  // In float32 the two paths' summation orders differ, so their fits may pass the check (every 25
  // steps) one check apart.
  REQUIRE(std::abs(reports[2].steps - (3000 + r.steps)) <= 25);
  const auto p = c.predictions()[2], q = alone.predict_patterns();
  double worst = 0;
  for (int i = 0; i < 512; ++i)
    worst = std::max(worst, std::abs(p[std::size_t(i)] - q[std::size_t(i)]));
  INFO("largest difference " << worst);
  REQUIRE(worst < 1e-3);
}

TEST_CASE("a batched committee's member k trains as net k would alone", "[committee]") {
  // float64, so that the batched matrix products and Net::train's convolutions differ only in
  // summation order: the same step counts and verdicts, every predicted probability within 1e-9.
  // Members converge at different steps (and some not at all), so the stack shrinks as they go.
  const ca::PatternCounts counts = ca::count_patterns(
      ca::simulate(ca::parse_rule("B3/S23"), ca::random_soup(32, 32, 0.5, 3), 16));
  learner::NetConfig nc;
  nc.precision = learner::Precision::float64;
  nc.width = 16;
  struct Case {
    const char* group;
    const char* objective;
    const char* optimizer;
    double weight_decay;
    const char* activation = "relu";
  };
  for (const Case& k :
       {Case{"p1", "balanced", "adam", 0.0}, Case{"p4m", "counts", "adam", 0.0},
        Case{"pm-v", "balanced", "sgd", 1e-4}, Case{"p4", "balanced", "adam", 1e-3},
        Case{"cmm", "balanced", "adam", 0.0, "gelu"}, Case{"p2", "counts", "adam", 0.0, "tanh"}}) {
    INFO(k.group << " " << k.objective << " " << k.optimizer << " wd " << k.weight_decay << " "
                 << k.activation);
    nc.activation = *parse_choice<learner::Activation>(k.activation);
    learner::TrainConfig tc;
    tc.objective = *parse_choice<learner::Objective>(k.objective);
    tc.optimizer = *parse_choice<learner::Optimizer>(k.optimizer);
    tc.weight_decay = k.weight_decay;
    tc.max_steps = 1000;
    if (tc.optimizer == learner::Optimizer::sgd) tc.learning_rate = 0.1;
    learner::Committee c(nc, groups::Subgroup::parse(k.group), 4, 11);
    std::vector<learner::Net> alone;
    std::vector<learner::Net*> members;
    for (auto& m : c.members()) {
      alone.push_back(m.clone());
      members.push_back(&m);
    }
    const auto reports = learner::train_together(members, counts, tc);
    const auto preds = c.predictions();
    for (std::size_t m = 0; m < alone.size(); ++m) {
      // The oracle: LibTorch's autograd and optimiser on the net alone.
      learner::NetState state = alone[m].state();
      const auto r = learner::torch_backend().train(state, counts, tc);
      alone[m] = learner::Net(state);
      INFO("member " << m << ": " << r.steps << " steps, converged " << r.converged);
      REQUIRE(reports[m].converged == r.converged);
      REQUIRE(reports[m].steps == r.steps);
      REQUIRE(reports[m].misfitted == r.misfitted);
      REQUIRE(reports[m].final_loss == Approx(r.final_loss).margin(1e-9));
      const auto q = alone[m].predict_patterns();
      double worst = 0;
      for (int i = 0; i < 512; ++i)
        worst = std::max(worst, std::abs(preds[m][std::size_t(i)] - q[std::size_t(i)]));
      INFO("largest difference " << worst);
      REQUIRE(worst < 1e-9);
    }
  }
}

TEST_CASE("a committee on CUDA trains there and restarts members there", "[.gpu]") {
  if (learner::resolve_device(learner::Device::automatic) != learner::Device::cuda) {
    std::cout << "SKIPPED: no CUDA device for LibTorch (CPU-only LibTorch or no GPU)\n";
    return;
  }
  // The data and seed of "a member stuck at a bad start is restarted": member 2 is rebuilt, and
  // must be rebuilt on the committee's device (it once came back on the CPU).
  provider::ProviderOptions po;
  po.rule = "B57/S23467";
  po.height = po.width = 64;
  po.steps = 32;
  po.density = 0.5;
  po.seed = 1;
  const ca::PatternCounts counts = ca::count_patterns(provider::HiddenRuleWorld(po).trajectory(0));
  learner::Committee c(learner::NetConfig{}, groups::Subgroup::parse("p4m"), 3, 1,
                       learner::Device::cuda);
  REQUIRE(c.device() == learner::Device::cuda);
  const auto reports = c.train(counts, learner::TrainConfig{});
  REQUIRE(reports[2].steps > 3000);  // the restart happened
  for (const auto& m : c.members()) REQUIRE(m.device() == learner::Device::cuda);
  for (const auto& r : reports) REQUIRE(r.converged);
}
