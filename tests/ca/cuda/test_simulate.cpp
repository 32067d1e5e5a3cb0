// The CUDA simulator against ca::simulate, byte for byte, on random rules and grids (one grid,
// and batches with one rule per grid). Labelled `gpu` in CTest: where no CUDA device is present
// each GPU test case prints "SKIPPED: no CUDA device" and returns, and CTest reports the test as
// skipped (SKIP_REGULAR_EXPRESSION). The input checks run everywhere: they fail before CUDA is
// touched.
#include <catch2/catch.hpp>
#include <iostream>

#include "ca/cuda/simulate.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"

using namespace carl;

namespace {

bool gpu() {
  std::string why;
  if (ca::cuda::available(&why)) return true;
  std::cout << "SKIPPED: no CUDA device (" << why << ")\n";
  return false;
}

}  // namespace

TEST_CASE("the CUDA simulator equals ca::simulate on one grid", "[cuda][gpu]") {
  if (!gpu()) return;
  const std::pair<int, int> sizes[] = {{1, 1}, {3, 5}, {16, 65}, {64, 64}, {100, 300}, {512, 512}};
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const ca::RuleTable rule = seed == 1 ? ca::parse_rule("B3/S23") : ca::random_rule(seed);
    for (const auto& [h, w] : sizes) {
      INFO("rule seed " << seed << ", " << h << "x" << w);
      const ca::Grid x0 = ca::random_soup(h, w, 0.5, seed + std::uint64_t(h));
      const ca::Trajectory want = ca::simulate(rule, x0, 8);
      const ca::Trajectory got = ca::cuda::simulate(rule, x0, 8);
      REQUIRE(got.frames.size() == want.frames.size());
      for (std::size_t t = 0; t < want.frames.size(); ++t)
        REQUIRE(got.frames[t].cells() == want.frames[t].cells());
      REQUIRE(ca::cuda::evolve(rule, x0, 40).cells() == ca::Stepper(rule).evolve(x0, 40).cells());
      REQUIRE(ca::cuda::step(rule, x0).cells() == ca::step(rule, x0).cells());
    }
  }
}

TEST_CASE("the CUDA simulator runs a batch with one rule per grid", "[cuda][gpu]") {
  if (!gpu()) return;
  for (const auto& [h, w] : {std::pair<int, int>{64, 64}, {33, 70}}) {
    std::vector<ca::RuleTable> rules;
    std::vector<ca::Grid> grids;
    for (int k = 0; k < 300; ++k) {
      rules.push_back(ca::random_rule(1000 + std::uint64_t(k), k % 3 == 0));
      grids.push_back(ca::random_soup(h, w, 0.2 + 0.002 * k, 7 + std::uint64_t(k)));
    }
    const auto got = ca::cuda::evolve(rules, grids, 20);
    for (std::size_t k = 0; k < grids.size(); ++k) {
      INFO(h << "x" << w << " grid " << k);
      REQUIRE(got[k].cells() == ca::Stepper(rules[k]).evolve(grids[k], 20).cells());
    }
    // one rule for the whole batch
    const auto shared = ca::cuda::simulate({rules[5]}, grids, 4);
    for (std::size_t k = 0; k < grids.size(); ++k)
      for (int t = 0; t <= 4; ++t)
        REQUIRE(shared[k].frames[std::size_t(t)].cells() ==
                ca::simulate(rules[5], grids[k], 4).frames[std::size_t(t)].cells());
  }
}

TEST_CASE("the CUDA simulator refuses bad batches before touching the device", "[cuda]") {
  const ca::RuleTable life = ca::parse_rule("B3/S23");
  const std::vector<ca::Grid> two = {ca::Grid(4, 4), ca::Grid(4, 4)};
  REQUIRE_THROWS_WITH(ca::cuda::evolve({life, life, life}, two, 1),
                      Catch::Contains("3 rules for 2 grids"));
  REQUIRE_THROWS_WITH(ca::cuda::evolve({life}, {ca::Grid(4, 4), ca::Grid(5, 4)}, 1),
                      Catch::Contains("grids of 4x4 and 5x4"));
  REQUIRE_THROWS_WITH(ca::cuda::evolve({ca::RuleTable()}, two, 1), Catch::Contains("partial"));
}
