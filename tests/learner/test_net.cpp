#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/text_file.h"
#include "groups/d4.h"
#include "groups/orbits.h"
#include "learner/net.h"
#include "support.h"

using namespace carl;
using learner::Net;
using learner::NetConfig;
using learner::TrainConfig;

namespace {
NetConfig small() {
  NetConfig c;
  c.width = 8;
  c.depth = 1;
  return c;
}
double logit(double p) {
  return std::log(p / (1 - p));
}
}  // namespace

TEST_CASE("pattern path and frame path give the same loss and gradients", "[net]") {
  const ca::RuleTable rule = ca::parse_rule("B36/S23");
  std::vector<ca::Trajectory> data = {ca::simulate(rule, ca::random_soup(12, 17, 0.4, 1), 4),
                                      ca::simulate(rule, ca::random_soup(12, 17, 0.3, 2), 4)};
  for (const ca::Boundary boundary : {ca::Boundary::torus, ca::Boundary::window}) {
    ca::PatternCounts counts;
    for (const auto& t : data) counts.add(t, boundary);
    for (const char* group : {"p1", "p4m", "pm-v"}) {
      INFO(group << (boundary == ca::Boundary::torus ? " torus" : " window"));
      NetConfig c = small();
      c.precision = learner::Precision::float64;
      Net net(c, groups::Subgroup::parse(group), 3);
      const auto [lp, gp] = net.loss_and_gradient(counts, learner::Objective::counts);
      const auto [lf, gf] = net.loss_and_gradient(data, boundary);
      REQUIRE(lp == Approx(lf).epsilon(1e-5));
      REQUIRE(gp.size() == gf.size());
      double norm = 0, diff = 0;
      for (std::size_t i = 0; i < gp.size(); ++i) {
        norm += gf[i] * gf[i];
        diff += (gp[i] - gf[i]) * (gp[i] - gf[i]);
      }
      REQUIRE(std::sqrt(diff) <= 1e-5 * std::sqrt(norm));
    }
  }
}

TEST_CASE("G-nets are exactly invariant and start as the orbit-average", "[net]") {
  const Net plain(small(), groups::Subgroup(), 7);
  const auto p_plain = plain.predict_patterns();
  for (const groups::Subgroup& g : groups::Subgroup::all()) {
    INFO(g.name());
    // A freshly initialised G-net is invariant …
    const Net fresh(small(), g, 11);
    const auto pf = fresh.predict_patterns();
    for (int p = 0; p < 512; ++p)
      for (groups::Symmetry s : g.elements())
        REQUIRE(std::abs(pf[std::size_t(p)] - pf[groups::apply(s, ca::Pattern(p))]) < 1e-6);
    // … and so is its hard simulation on random grids: f(g·x) = g·f(x).
    const ca::Grid x = ca::random_soup(10, 14, 0.5, 5);
    for (groups::Symmetry s : g.elements())
      REQUIRE(fresh.step(groups::apply(s, x), ca::Boundary::torus) ==
              groups::apply(s, fresh.step(x, ca::Boundary::torus)));
    // Right after transfer the G-net's logit is the mean of the plain net's over the orbit.
    const Net moved = plain.transferred(g);
    const auto pm = moved.predict_patterns();
    for (int p = 0; p < 512; ++p) {
      double mean = 0;
      for (groups::Symmetry s : g.elements())
        mean += logit(p_plain[groups::apply(s, ca::Pattern(p))]);
      mean /= g.order();
      REQUIRE(logit(pm[std::size_t(p)]) == Approx(mean).margin(1e-5));
    }
  }
}

TEST_CASE("Life from one trajectory: every observed pattern fitted, rollout exact", "[net]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  const ca::Trajectory t = ca::simulate(life, ca::random_soup(32, 32, 0.4, 1), 16);
  const ca::PatternCounts counts = ca::count_patterns(t);
  for (const learner::Objective objective :
       {learner::Objective::balanced, learner::Objective::counts}) {
    INFO(choice_name(objective));
    Net net(NetConfig{}, groups::Subgroup::parse("p4m"), 1);
    TrainConfig tc;
    tc.objective = objective;
    tc.max_steps = 4000;
    const auto report = net.train(counts, tc);
    REQUIRE(report.converged);
    REQUIRE(report.misfitted == 0);
    const auto p = net.predict_patterns();
    for (int q = 0; q < 512; ++q)
      if (counts.observed(ca::Pattern(q)))
        REQUIRE((p[std::size_t(q)] > 0.5) == life.output(ca::Pattern(q)));
    const learner::Rollout r = net.rollout(t, ca::Boundary::torus);
    REQUIRE(r.per_step.size() == 16);
    REQUIRE(r.loss == 0.0);
  }
}

TEST_CASE("the frame path trains to the same fit", "[net]") {
  const ca::RuleTable rule = ca::parse_rule("B36/S23");
  const ca::Trajectory t = ca::simulate(rule, ca::random_soup(16, 16, 0.4, 3), 8);
  Net net(NetConfig{}, groups::Subgroup::parse("p4m"), 2);
  TrainConfig tc;
  tc.max_steps = 4000;
  const auto report = net.train_frames({t}, ca::Boundary::torus, tc);
  REQUIRE(report.converged);
  REQUIRE(net.rollout(t, ca::Boundary::torus).loss == 0.0);
}

TEST_CASE("rollout loss counts wrong cells", "[net]") {
  // An untrained net against a trajectory: L1 is the mean of the per-step fractions (equal
  // sizes), and a rollout compared with itself is exact.
  const ca::Trajectory t = ca::simulate(ca::parse_rule("B3/S23"), ca::random_soup(8, 8, 0.5, 1), 3);
  const Net net(small(), groups::Subgroup(), 1);
  const learner::Rollout r = net.rollout(t, ca::Boundary::torus);
  double mean = 0;
  for (double x : r.per_step) mean += x / 3;
  REQUIRE(r.loss == Approx(mean));
  ca::Trajectory own{{t.frames[0]}};
  for (const auto& y : r.frames) own.frames.push_back(y);
  REQUIRE(net.rollout(own, ca::Boundary::torus).loss == 0.0);
}

TEST_CASE("save and load keep the net", "[net]") {
  test::TempDir dir;
  NetConfig c = small();
  c.depth = 2;
  c.activation = learner::Activation::tanh;
  c.precision = learner::Precision::float64;
  const std::uint64_t seed = 0xfedcba9876543210ULL;  // all 64 bits survive
  const Net net(c, groups::Subgroup::parse("p4"), seed);
  net.save(dir.path() + "/net.pt");
  const Net back = Net::load(dir.path() + "/net.pt");
  REQUIRE(back.group().name() == "p4");
  REQUIRE(back.config().width == 8);
  REQUIRE(back.config().depth == 2);
  REQUIRE(back.config().activation == learner::Activation::tanh);
  REQUIRE(back.config().precision == learner::Precision::float64);
  REQUIRE(back.seed() == seed);
  REQUIRE(back.predict_patterns() == net.predict_patterns());
  ca::write_text_file(dir.path() + "/bytes.pt", net.serialized());
  REQUIRE(Net::load(dir.path() + "/bytes.pt").predict_patterns() == net.predict_patterns());
  ca::write_text_file(dir.path() + "/junk.pt", "not a checkpoint");
  REQUIRE_THROWS_WITH(Net::load(dir.path() + "/junk.pt"), Catch::Contains("junk.pt"));
  // A checkpoint of carl before the fields were the archive's own (its metadata one "k=v;"
  // string): refused, naming the first field it lacks.
  const std::string old =
      std::string(CARL_SOURCE_DIR) + "/tests/learner/data/net-with-meta-string.pt";
  REQUIRE_THROWS_AS(Net::load(old), InputError);
  REQUIRE_THROWS_WITH(Net::load(old), Catch::Contains("net-with-meta-string.pt") &&
                                          Catch::Contains("'carl.width'") &&
                                          Catch::Contains("missing"));
}

TEST_CASE("allocator and device settings", "[net]") {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer replaces malloc; mallopt is not supported under it.
  REQUIRE_FALSE(learner::keep_freed_memory());
#else
  REQUIRE(learner::keep_freed_memory());
#endif
  using learner::Device;
  REQUIRE(learner::resolve_device(Device::cpu) == Device::cpu);
  REQUIRE(learner::resolve_device(Device::automatic) != Device::automatic);
  if (learner::resolve_device(Device::automatic) == Device::cpu)
    REQUIRE_THROWS_WITH(learner::resolve_device(Device::cuda), Catch::Contains("'cuda'"));
}

TEST_CASE("a G-net is not called converged on data that break G", "[net]") {
  const ca::RuleTable random = ca::random_rule(20261123, true);
  const ca::PatternCounts counts =
      ca::count_patterns(ca::simulate(random, ca::random_soup(32, 32, 0.5, 1), 8));
  TrainConfig tc;
  tc.max_steps = 300;
  Net tied(small(), groups::Subgroup::parse("p4m"), 1);
  const auto r = tied.train(counts, tc);
  REQUIRE_FALSE(r.converged);
  REQUIRE(r.misfitted > 100);
  REQUIRE(r.steps == 300);
}

TEST_CASE("a net keeps the device it was built on", "[net]") {
  using learner::Device;
  const Net net(small(), groups::Subgroup::parse("p4m"), 1, Device::cpu);
  REQUIRE(net.device() == Device::cpu);
  REQUIRE(net.transferred(groups::Subgroup()).device() == Device::cpu);
  REQUIRE(Net(small(), groups::Subgroup(), 1, Device::automatic).device() ==
          learner::resolve_device(Device::automatic));
}

// LibTorch on CUDA (learner.device: cuda). Labelled `gpu` in CTest (learner_gpu runs the [gpu]
// cases); where LibTorch has no CUDA or no GPU is present each case prints "SKIPPED: no CUDA
// device" and returns, and CTest reports the test as skipped.
namespace {
bool cuda_device() {
  if (learner::resolve_device(learner::Device::automatic) == learner::Device::cuda) return true;
  std::cout << "SKIPPED: no CUDA device for LibTorch (CPU-only LibTorch or no GPU)\n";
  return false;
}
}  // namespace

TEST_CASE("a CUDA training step equals the CPU one", "[.gpu]") {
  if (!cuda_device()) return;
  // Tolerance: float64, 20 Adam steps on the same data from the same initial weights (drawn on
  // the CPU for both): every predicted probability within 1e-9, the loss and gradient within
  // 1e-9 relative; float32: within 1e-4.
  const ca::PatternCounts counts = ca::count_patterns(
      ca::simulate(ca::parse_rule("B36/S23"), ca::random_soup(32, 32, 0.4, 5), 12));
  for (const learner::Precision precision :
       {learner::Precision::float64, learner::Precision::float32}) {
    INFO(choice_name(precision));
    const double tol = precision == learner::Precision::float64 ? 1e-9 : 1e-4;
    NetConfig c;
    c.precision = precision;
    for (const char* group : {"p1", "p4m"}) {
      Net cpu(c, groups::Subgroup::parse(group), 3, learner::Device::cpu);
      Net gpu(c, groups::Subgroup::parse(group), 3, learner::Device::cuda);
      REQUIRE(gpu.device() == learner::Device::cuda);
      REQUIRE(cpu.predict_patterns() == gpu.predict_patterns());  // the same initial weights
      TrainConfig tc;
      tc.max_steps = 20;
      tc.fit_confidence = 1.0;
      const auto rc = cpu.train(counts, tc), rg = gpu.train(counts, tc);
      REQUIRE(rc.steps == rg.steps);
      REQUIRE(rg.final_loss == Approx(rc.final_loss).epsilon(tol));
      const auto pc = cpu.predict_patterns(), pg = gpu.predict_patterns();
      for (int p = 0; p < 512; ++p)
        REQUIRE(std::abs(pc[std::size_t(p)] - pg[std::size_t(p)]) < tol);
      const auto [lc, gc] = cpu.loss_and_gradient(counts, learner::Objective::balanced);
      const auto [lg, gg] = gpu.loss_and_gradient(counts, learner::Objective::balanced);
      REQUIRE(lg == Approx(lc).epsilon(tol));
      double norm = 0, diff = 0;
      for (std::size_t i = 0; i < gc.size(); ++i) {
        norm += gc[i] * gc[i];
        diff += (gc[i] - gg[i]) * (gc[i] - gg[i]);
      }
      REQUIRE(std::sqrt(diff) <= tol * std::sqrt(norm) + 1e-12);
    }
  }
}
