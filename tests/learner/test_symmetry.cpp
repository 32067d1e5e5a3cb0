#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

#include "ca/choice.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "groups/orbits.h"
#include "learner/symmetry.h"
#include "provider/builtin.h"

using namespace carl;
using learner::detect_symmetry;
using learner::SymmetryMethod;

namespace {
// p4 but not p4m: born on an edge neighbour plus the corner clockwise after it.
ca::RuleTable chiral() {
  const unsigned cw[] = {(1u << ca::N) | (1u << ca::NE), (1u << ca::E) | (1u << ca::SE),
                         (1u << ca::S) | (1u << ca::SW), (1u << ca::W) | (1u << ca::NW)};
  return ca::RuleTable::from_function([&](ca::Pattern p) {
    const int n = ca::pattern_neighbours(p);
    if (ca::pattern_centre(p)) return n == 2 || n == 3;
    for (unsigned c : cw)
      if ((p & 0x1EFu) == c) return true;
    return n == 3;
  });
}

ca::RuleTable random_invariant(const char* group, std::uint64_t seed) {
  return groups::random_invariant_rule(groups::Subgroup::parse(group), seed);
}

ca::PatternCounts data_of(const ca::RuleTable& rule, int side, int steps) {
  return ca::count_patterns(ca::simulate(rule, ca::random_soup(side, side, 0.4, 1), steps));
}

// The zoo's noisy regimes: 1 % observation noise on a 32×32 torus (T = 16) or on a 32×32 window
// of a 128×128 torus (T = 10), density 0.3; `trajectories` of them pooled.
ca::PatternCounts noisy_data(const ca::RuleTable& rule, const std::string& mode, int seed,
                             int trajectories) {
  provider::ProviderOptions o;
  o.rule = ca::emit_map(rule);
  o.height = o.width = 32;
  o.steps = mode == "window" ? 10 : 16;
  o.density = 0.3;
  o.noise = 0.01;
  o.mode = *parse_choice<ca::Boundary>(mode);
  o.seed = std::uint64_t(seed);
  const provider::HiddenRuleWorld world(o);
  ca::PatternCounts counts;
  for (int k = 0; k < trajectories; ++k) counts.add(world.trajectory(k), o.mode);
  return counts;
}
}  // namespace

TEST_CASE("the data method finds each rule's group and claims nothing more", "[symmetry]") {
  const std::pair<ca::RuleTable, const char*> cases[] = {
      {ca::parse_rule("B3/S23"), "p4m"},
      {chiral(), "p4"},
      {random_invariant("pm-v", 3), "pm-v"},
      {random_invariant("cmm", 4), "cmm"},
      {ca::random_rule(5), "p1"},
  };
  for (const auto& [rule, want] : cases) {
    INFO(want);
    const auto v = detect_symmetry(SymmetryMethod::data, data_of(rule, 64, 16), nullptr);
    REQUIRE(v.group.name() == want);
    REQUIRE(v.passes[0]);
    for (groups::Symmetry g : groups::kD4) REQUIRE(v.passes[std::size_t(g)] == v.group.contains(g));
  }
}

TEST_CASE("without evidence no symmetry is claimed", "[symmetry]") {
  ca::PatternCounts none;
  REQUIRE(detect_symmetry(SymmetryMethod::data, none, nullptr).group.name() == "p1");
}

TEST_CASE("fixed groups and unknown methods", "[symmetry]") {
  const SymmetryMethod fixed = SymmetryMethod::parse("fixed:cm-d");
  REQUIRE(fixed.kind == SymmetryMethod::fixed);
  REQUIRE(fixed.name() == "fixed:cm-d");
  const auto v = detect_symmetry(fixed, {}, nullptr);
  REQUIRE(v.group.name() == "cm-d");
  REQUIRE(v.summary().rfind("fixed:cm-d: cm-d (", 0) == 0);
  for (const char* word : {"data", "function", "kernels", "fixed:p4m"})
    REQUIRE(SymmetryMethod::parse(word).name() == word);
  REQUIRE(SymmetryMethod::parse("kernels") == SymmetryMethod::kernels);
  REQUIRE_FALSE(SymmetryMethod::parse("fixed:p4") == SymmetryMethod::parse("fixed:p4m"));
  REQUIRE_THROWS_WITH(SymmetryMethod::parse("fixed:p3"), Catch::Contains("'p3'"));
  REQUIRE_THROWS_WITH(SymmetryMethod::parse("vibes"),
                      "'vibes' is not one of: data, function, kernels, fixed:<group>");
  REQUIRE_THROWS_WITH(detect_symmetry(SymmetryMethod::function, {}, nullptr),
                      Catch::Contains("needs a trained"));
  REQUIRE(learner::largest_passing_subgroup({true, true, true, true, false, false, false, false})
              .name() == "p4");
}

TEST_CASE("the function and kernel methods on trained plain nets", "[symmetry]") {
  const std::pair<ca::RuleTable, const char*> cases[] = {
      {ca::parse_rule("B36/S23"), "p4m"}, {chiral(), "p4"}, {ca::random_rule(8), "p1"}};
  for (const auto& [rule, want] : cases) {
    INFO(want);
    const ca::PatternCounts counts = data_of(rule, 64, 16);
    learner::NetConfig nc;
    learner::Net net(nc, groups::Subgroup(), 1);
    learner::TrainConfig tc;
    tc.max_steps = 3000;
    REQUIRE(net.train(counts, tc).converged);
    const auto f = detect_symmetry(SymmetryMethod::function, counts, &net);
    REQUIRE(f.group.name() == want);
    // Kernel inspection is weaker: it must never claim more than the rule has.
    const auto k = detect_symmetry(SymmetryMethod::kernels, counts, &net);
    REQUIRE(groups::Subgroup::parse(want).contains(k.group));
    REQUIRE_FALSE(k.summary().empty());
  }
}

TEST_CASE("under 1 % noise the data method finds each rule's group, torus and window",
          "[symmetry][noise]") {
  const std::pair<ca::RuleTable, const char*> cases[] = {
      {ca::parse_rule("B3/S23"), "p4m"},    // Life
      {ca::parse_rule("B2-a/S12"), "p4m"},  // a Hensel rule
      {random_invariant("p4", 11), "p4"},     {chiral(), "p4"},
      {random_invariant("pm-v", 12), "pm-v"}, {ca::random_rule(13), "p1"},
  };
  // The old rule (patterns seen with both next states dropped, one contradiction among the rest
  // rejects) fell back to smaller groups here: rare patterns' counts are mostly corrupted copies.
  for (const char* mode : {"torus", "window"})
    for (const auto& [rule, want] : cases)
      for (int trajectories : {1, 4})
        for (int seed = 1; seed <= 4; ++seed) {
          INFO(mode << " " << want << " trajectories " << trajectories << " seed " << seed);
          const auto v = detect_symmetry(SymmetryMethod::data,
                                         noisy_data(rule, mode, seed, trajectories), nullptr);
          INFO(v.summary());
          REQUIRE(v.noisy);
          REQUIRE(v.noise_estimate > 0.002);
          REQUIRE(v.noise_estimate < 0.1);
          REQUIRE(v.group.name() == want);
          for (groups::Symmetry g : groups::kD4) {
            const auto i = std::size_t(g);
            if (g == groups::Symmetry::identity) continue;
            if (v.group.contains(g)) {
              REQUIRE(v.agreeing_pairs[i] >= 8);
              REQUIRE(v.contradicting_pairs[i] == 0);
              REQUIRE(v.p_value[i] > 1e-9);
            } else {
              REQUIRE(v.p_value[i] < 1e-9);
            }
          }
        }
}

TEST_CASE("the data method's evidence on hand-made counts", "[symmetry][noise]") {
  using groups::Symmetry;
  const ca::Pattern a = ca::Pattern(1u << ca::N), b = groups::apply(Symmetry::rot90, a);  // N, E
  auto element = [](Symmetry g) { return std::size_t(g); };
  SECTION("noise-free: one contradicting pair rejects") {
    ca::PatternCounts c;
    // Twelve p4m-invariant pairs agree (every pattern with N or E alone, plus corners)…
    for (int p = 0; p < 512; ++p)
      c.n[std::size_t(p)][ca::pattern_neighbours(ca::Pattern(p)) == 3] = 5;
    auto v = detect_symmetry(SymmetryMethod::data, c, nullptr);
    REQUIRE_FALSE(v.noisy);
    REQUIRE(v.group.name() == "p4m");
    REQUIRE(v.contradicting_pairs[element(Symmetry::rot90)] == 0);
    REQUIRE(v.agreeing_pairs[element(Symmetry::rot90)] ==
            v.compared_pairs[element(Symmetry::rot90)]);
    // … until one pattern's next state differs from its quarter turn's.
    c.n[b] = {0, 5};
    v = detect_symmetry(SymmetryMethod::data, c, nullptr);
    REQUIRE(v.contradicting_pairs[element(Symmetry::rot90)] >= 1);
    REQUIRE_FALSE(v.passes[element(Symmetry::rot90)]);
    REQUIRE(v.group.name() == "pm-h");  // the mirror across the horizontal axis keeps N and E
  }
  SECTION("noisy: rates, not single observations, decide") {
    ca::PatternCounts c;
    for (int p = 0; p < 512; ++p) {
      const bool out = ca::pattern_neighbours(ca::Pattern(p)) == 3;
      c.n[std::size_t(p)][out] = 200;
      c.n[std::size_t(p)][!out] = 2;  // 1 % of the next states flipped
    }
    auto v = detect_symmetry(SymmetryMethod::data, c, nullptr);
    REQUIRE(v.noisy);
    REQUIRE(v.noise_estimate == Approx(2.0 / 202));
    REQUIRE(v.group.name() == "p4m");
    // A pattern whose flipped share is a little higher is still one rate with its images…
    c.n[b] = {195, 7};
    v = detect_symmetry(SymmetryMethod::data, c, nullptr);
    REQUIRE(v.group.name() == "p4m");
    // … but one whose majority is the other next state is not.
    c.n[b] = {2, 200};
    v = detect_symmetry(SymmetryMethod::data, c, nullptr);
    REQUIRE(v.contradicting_pairs[element(Symmetry::rot90)] >= 1);
    REQUIRE(v.p_value[element(Symmetry::rot90)] < 1e-9);
    REQUIRE(v.group.name() == "pm-h");
  }
}

namespace {
ca::PatternCounts clean_data(const ca::RuleTable& rule, int seed) {
  return ca::count_patterns(
      ca::simulate(rule, ca::random_soup(32, 32, 0.3, std::uint64_t(seed)), 16));
}
struct SupportCase {
  ca::RuleTable rule;
  const char* name;
  groups::CellMask ignored;
};
std::vector<SupportCase> support_cases() {
  const groups::CellMask centre = groups::kCentre, corners = groups::kVonNeumannCorners;
  return {
      {ca::random_von_neumann_rule(2, true), "von Neumann 2", corners},
      {ca::random_von_neumann_rule(3, true), "von Neumann 3", corners},
      {ca::von_neumann_rule(0b00010, 0b01010), "von Neumann B1/S13", corners},
      {ca::parse_rule("B3/S23"), "Life", 0},
      {ca::parse_rule("B1357/S1357"), "Replicator", centre},  // ignores the centre
      {groups::random_invariant_rule(groups::Subgroup::parse("p4m"), 5, centre), "no centre",
       centre},
  };
}
}  // namespace

TEST_CASE("the support of von Neumann, Moore and centre-blind rules from noise-free data",
          "[symmetry][support]") {
  for (const auto& c : support_cases())
    for (int seed = 1; seed <= 3; ++seed) {
      INFO(c.name << " seed " << seed);
      const ca::PatternCounts counts = clean_data(c.rule, seed);
      const auto v = learner::detect_support(counts, groups::Subgroup::parse("p4m"));
      INFO(v.summary());
      REQUIRE_FALSE(v.noisy);
      REQUIRE(v.ignored == c.ignored);
      REQUIRE(v.summary().rfind("support: " + groups::support_name(c.ignored) + " (", 0) == 0);
      for (int k = 0; k < 9; ++k) {
        const bool ignored = (c.ignored >> k) & 1;
        REQUIRE(v.passes[std::size_t(k)] == ignored);
        if (ignored) REQUIRE(v.agreeing_pairs[std::size_t(k)] >= 8);
        if (!ignored) REQUIRE(v.contradicting_pairs[std::size_t(k)] > 0);
      }
    }
}

TEST_CASE("the support under 1 % noise: right with enough data, never a cell the rule reads",
          "[symmetry][support][noise]") {
  for (const auto& c : support_cases())
    for (const char* mode : {"torus", "window"})
      for (int seed = 1; seed <= 3; ++seed) {
        INFO(c.name << " " << mode << " seed " << seed);
        const auto v4 = learner::detect_support(noisy_data(c.rule, mode, seed, 4),
                                                groups::Subgroup::parse("p4m"));
        INFO(v4.summary());
        REQUIRE(v4.noisy);
        REQUIRE(v4.ignored == c.ignored);
      }
  // With little data (one trajectory) the noisy test may keep a cell the rule ignores, but it
  // never ignores one the rule reads (these rules' single trajectories showed no contradicting
  // pair for the orthogonal cells before the coverage requirement).
  std::vector<SupportCase> all = support_cases();
  all.push_back(
      {ca::random_von_neumann_rule(1, true), "von Neumann 1", groups::kVonNeumannCorners});
  all.push_back(
      {ca::random_von_neumann_rule(4, true), "von Neumann 4", groups::kVonNeumannCorners});
  for (const auto& c : all)
    for (const char* mode : {"torus", "window"})
      for (int seed = 1; seed <= 3; ++seed) {
        INFO(c.name << " " << mode << " seed " << seed);
        const auto v1 = learner::detect_support(noisy_data(c.rule, mode, seed, 1),
                                                groups::Subgroup::parse("p4m"));
        INFO(v1.summary());
        REQUIRE((v1.ignored & ~c.ignored) == 0);
      }
}

TEST_CASE("the support is made G-invariant", "[symmetry][support]") {
  // A rule that ignores NW only: alone under p1, but under p4m NW's orbit is the four corners,
  // and the other three matter, so nothing is ignored.
  const ca::RuleTable rule =
      groups::random_invariant_rule(groups::Subgroup(), 21, groups::CellMask(1u << ca::NW));
  const ca::PatternCounts counts =
      ca::count_patterns(ca::simulate(rule, ca::random_soup(32, 32, 0.5, 1), 16));
  const auto p1 = learner::detect_support(counts, groups::Subgroup());
  INFO(p1.summary());
  REQUIRE(p1.ignored == groups::CellMask(1u << ca::NW));
  REQUIRE(p1.summary().rfind("support: Moore without NW (", 0) == 0);
  const auto p4m = learner::detect_support(counts, groups::Subgroup::parse("p4m"));
  REQUIRE(p4m.passes[ca::NW]);
  REQUIRE_FALSE(p4m.passes[ca::NE]);
  REQUIRE(p4m.ignored == 0);
  // No data: nothing ignored.
  REQUIRE(learner::detect_support({}, groups::Subgroup::parse("p4m")).ignored == 0);
}

TEST_CASE("the support needs agreeing pairs of both next states, and a neighbour that matters",
          "[symmetry][support]") {
  const groups::Subgroup p4m = groups::Subgroup::parse("p4m");
  const groups::CellMask edges_and_centre = groups::CellMask(
      (1u << ca::N) | (1u << ca::W) | (1u << ca::C) | (1u << ca::E) | (1u << ca::S));
  // A soup that dies at once: the 16 patterns with only corners alive, each seen going to 0. Every
  // corner has 8 agreeing pairs, all of them on 0: no evidence that the corners do not matter.
  ca::PatternCounts dying;
  for (int p = 0; p < ca::kPatternCount; ++p)
    if ((p & edges_and_centre) == 0) dying.n[std::size_t(p)][0] = 1;
  const auto d = learner::detect_support(dying, p4m);
  INFO(d.summary());
  REQUIRE(d.agreeing_pairs[ca::NW] == 8);
  REQUIRE(d.contradicting_pairs[ca::NW] == 0);
  REQUIRE_FALSE(d.passes[ca::NW]);
  REQUIRE(d.ignored == 0);
  // A still, dense soup (B3/S012345678 at density 0.9 never shows a birth): every pattern with six
  // or more alive neighbours keeps its centre. No pair contradicts and each cell has agreeing
  // pairs of both next states, yet "only the centre matters" would fill every entry the data never
  // showed (the births) from the observed dead centres: not taken.
  ca::PatternCounts still;
  for (int p = 0; p < ca::kPatternCount; ++p)
    if (__builtin_popcount(unsigned(p) & ~(1u << ca::C)) >= 6)
      still.n[std::size_t(p)][(p >> ca::C) & 1] = 1;
  const auto v = learner::detect_support(still, p4m);
  INFO(v.summary());
  for (int k = 0; k < 9; ++k)
    if (k != ca::C) REQUIRE(v.passes[std::size_t(k)]);
  REQUIRE(v.ignored == 0);
}

TEST_CASE("the support confirmed by a plain net's kernels", "[symmetry][support]") {
  const ca::RuleTable rule = ca::von_neumann_rule(0b00010, 0b01010);
  const ca::PatternCounts counts = clean_data(rule, 1);
  learner::Net net(learner::NetConfig{}, groups::Subgroup(), 1);
  learner::TrainConfig tc;
  tc.max_steps = 300;
  net.train(counts, tc);
  learner::SymmetryOptions o;
  o.support_kernel_tolerance = 1.0;  // every cell's weight share is at most 1: the data decide
  auto v = learner::detect_support(counts, groups::Subgroup::parse("p4m"), o, &net);
  REQUIRE(v.used_kernels);
  REQUIRE(v.ignored == groups::kVonNeumannCorners);
  REQUIRE(*std::max_element(v.kernel_weight.begin(), v.kernel_weight.end()) == Approx(1.0));
  o.support_kernel_tolerance = 0.0;  // no cell's weights vanish exactly: the kernels veto
  v = learner::detect_support(counts, groups::Subgroup::parse("p4m"), o, &net);
  REQUIRE(v.ignored == 0);
}

// The plain pre-training the kernel method needs: weight decay, and training on after the first
// fit (min_steps) so that the decay shapes the kernels. The tolerance (SymmetryOptions::
// kernel_tolerance, 0.1) sits in the gap measured by the "[.kernel-figures]" case below: nets of
// outer-totalistic rules that fit their data had closure distances ≤ 0.023 for every element,
// elements that rules lacked ≥ 0.45.
learner::TrainConfig kernel_training() {
  learner::TrainConfig tc;
  tc.weight_decay = 0.003;
  tc.min_steps = 2000;
  tc.max_steps = 3000;
  return tc;
}

ca::PatternCounts standard_data(const ca::RuleTable& rule, int seed) {
  provider::ProviderOptions o;
  o.rule = ca::emit_map(rule);
  o.height = o.width = 64;
  o.steps = 32;
  o.density = 0.5;
  o.seed = std::uint64_t(seed);
  return ca::count_patterns(provider::HiddenRuleWorld(o).trajectory(0));
}

TEST_CASE("the kernel method reads the kernels of nets pre-trained with weight decay",
          "[symmetry][kernels]") {
  for (const char* rule : {"B3/S23", "B3678/S34678", "B35678/S5678"}) {
    INFO(rule);
    const ca::PatternCounts counts = standard_data(ca::parse_rule(rule), 1);
    learner::Net net(learner::NetConfig{}, groups::Subgroup(), 1);
    const auto report = net.train(counts, kernel_training());
    REQUIRE(report.steps >= 2000);  // min_steps: trained on after the first fit
    REQUIRE(report.converged);
    const auto v = detect_symmetry(SymmetryMethod::kernels, counts, &net);
    INFO(v.summary());
    REQUIRE(v.group.name() == "p4m");
    // Without the decay and the extra steps the same net stops at its first fit with kernels
    // close to their random start, and the kernel method finds nothing.
    learner::Net plain(learner::NetConfig{}, groups::Subgroup(), 1);
    learner::TrainConfig tc;
    tc.max_steps = 3000;
    REQUIRE(plain.train(counts, tc).converged);
    REQUIRE(detect_symmetry(SymmetryMethod::kernels, counts, &plain).group.name() == "p1");
  }
  // Rules without p4m: no group they lack is claimed.
  const std::pair<ca::RuleTable, const char*> lacking[] = {
      {chiral(), "p4"}, {random_invariant("pm-v", 41), "pm-v"}, {ca::random_rule(61), "p1"}};
  for (const auto& [rule, want] : lacking) {
    INFO(want);
    const ca::PatternCounts counts = standard_data(rule, 1);
    learner::Net net(learner::NetConfig{}, groups::Subgroup(), 1);
    net.train(counts, kernel_training());
    const auto v = detect_symmetry(SymmetryMethod::kernels, counts, &net);
    INFO(v.summary());
    REQUIRE(groups::Subgroup::parse(want).contains(v.group));
  }
  // A net whose kernels decayed to rounding noise (it predicts one next state everywhere) claims
  // nothing: this one, on Replicator, claimed a group from the noise before the guard.
  const ca::PatternCounts counts = standard_data(ca::parse_rule("B1357/S1357"), 1);
  learner::Net dead(learner::NetConfig{}, groups::Subgroup(), 1);
  dead.train(counts, kernel_training());
  const auto predicted = dead.predict_patterns();
  REQUIRE(*std::max_element(predicted.begin(), predicted.end()) -
              *std::min_element(predicted.begin(), predicted.end()) <
          0.01);
  REQUIRE(detect_symmetry(SymmetryMethod::kernels, counts, &dead).group.name() == "p1");
}

TEST_CASE("the support's kernel confirmation on nets pre-trained with weight decay",
          "[symmetry][support][kernels]") {
  // A von Neumann rule's corner weights vanish, so the kernels confirm what the data show; Life's
  // do not, so a (hypothetical) data verdict for its corners would be vetoed.
  const std::pair<ca::RuleTable, groups::CellMask> cases[] = {
      {ca::von_neumann_rule(0b00010, 0b01010), groups::kVonNeumannCorners},
      {ca::random_von_neumann_rule(3, true), groups::kVonNeumannCorners},
      {ca::parse_rule("B3/S23"), 0}};
  for (const auto& [rule, ignored] : cases) {
    const ca::PatternCounts counts = standard_data(rule, 1);
    learner::Net net(learner::NetConfig{}, groups::Subgroup(), 1);
    net.train(counts, kernel_training());
    const auto v = learner::detect_support(counts, groups::Subgroup::parse("p4m"), {}, &net);
    INFO(v.summary());
    REQUIRE(v.used_kernels);
    REQUIRE(v.ignored == ignored);
    for (int k = 0; k < 9; ++k) {
      INFO("cell " << k << " weight " << v.kernel_weight[std::size_t(k)]);
      if ((groups::kVonNeumannCorners >> k) & 1)
        REQUIRE((v.kernel_weight[std::size_t(k)] < 0.2) == (ignored != 0));
      else
        REQUIRE(v.kernel_weight[std::size_t(k)] > 0.4);
    }
  }
}

// The kernel detector's figures (not run by ctest): plain nets pre-trained with weight decay on
// one standard-regime trajectory (64×64, T = 32, density 0.5) of each named rule of the zoo and of
// rules without p4m; prints each net's closure distances and, per tolerance, how often the true
// group is found and how often a group the rule lacks is claimed.
//   build-h4/tests/carl_learner_tests "[.kernel-figures]"
// Environment: KF_WD (weight decay, 0.003), KF_STEPS (min_steps, 2000), KF_SEEDS (1).
TEST_CASE("kernel detector figures", "[.kernel-figures]") {
  const char* named[] = {"B3/S23",       "B36/S23",       "B3678/S34678",    "B35678/S5678",
                         "B1357/S1357",  "B3/S12345",     "B36/S125",        "B368/S245",
                         "B4678/S35678", "B3/S012345678", "B1/S1",           "B34/S34",
                         "B2-a/S12",     "B3/S2-i34q",    "B2e3ai/S23",      "B2i34c/S2-i3",
                         "B2cn3/S23",    "B34ceq/S2-k3",  "B3aiy4e/S1c2ae3", "B2k3-r/S1e2-ca",
                         "B4w5/S2-e3j",  "B3n/S23-k",     "B36-c/S23-n4e",   "B2c3a/S1e2"};
  std::vector<std::pair<ca::RuleTable, std::string>> rules;
  for (const char* r : named) rules.push_back({ca::parse_rule(r), "p4m"});
  rules.push_back({chiral(), "p4"});
  for (std::uint64_t s = 1; s <= 3; ++s) rules.push_back({random_invariant("p4", 30 + s), "p4"});
  for (std::uint64_t s = 1; s <= 3; ++s)
    rules.push_back({random_invariant("pm-v", 40 + s), "pm-v"});
  for (std::uint64_t s = 1; s <= 3; ++s) rules.push_back({random_invariant("cmm", 50 + s), "cmm"});
  for (std::uint64_t s = 1; s <= 3; ++s) rules.push_back({ca::random_rule(60 + s), "p1"});
  auto env = [](const char* k, double d) { return std::getenv(k) ? std::atof(std::getenv(k)) : d; };
  learner::TrainConfig tc;
  tc.weight_decay = env("KF_WD", 0.003);
  tc.min_steps = int(env("KF_STEPS", 2000));
  tc.max_steps = tc.min_steps + 1000;
  const int seeds = int(env("KF_SEEDS", 1));
  const double tolerances[] = {0.02, 0.05, 0.1, 0.15, 0.2};
  int named_runs = 0, other_runs = 0;
  std::array<int, 5> named_right{}, other_right{}, wrong{};
  for (std::size_t r = 0; r < rules.size(); ++r)
    for (int seed = 1; seed <= seeds; ++seed) {
      const auto& [rule, want] = rules[r];
      const bool is_named = r < std::size(named);
      provider::ProviderOptions o;
      o.rule = ca::emit_map(rule);
      o.height = o.width = 64;
      o.steps = 32;
      o.density = 0.5;
      o.seed = std::uint64_t(seed);
      const ca::PatternCounts counts =
          ca::count_patterns(provider::HiddenRuleWorld(o).trajectory(0));
      learner::Net net(learner::NetConfig{}, groups::Subgroup(), std::uint64_t(seed));
      const auto report = net.train(counts, tc);
      const auto truth = groups::Subgroup::parse(want);
      (is_named ? named_runs : other_runs) += 1;
      std::string line;
      for (std::size_t t = 0; t < 5; ++t) {
        learner::SymmetryOptions so;
        so.kernel_tolerance = tolerances[t];
        const auto v = detect_symmetry(SymmetryMethod::kernels, counts, &net, so);
        (is_named ? named_right : other_right)[t] += v.group == truth;
        wrong[t] += !truth.contains(v.group);
        if (t == 2) line = v.summary();
      }
      std::cout << want << " " << (is_named ? named[r] : "") << " converged " << report.converged
                << " steps " << report.steps << " | " << line << "\n";
    }
  for (std::size_t t = 0; t < 5; ++t)
    std::cout << "tolerance " << tolerances[t] << ": named true group " << named_right[t] << "/"
              << named_runs << ", others true group " << other_right[t] << "/" << other_runs
              << ", wrong claims " << wrong[t] << "/" << named_runs + other_runs << "\n";
}

// The noise-aware detectors' figures (not run by ctest): the data method's group and the support
// under 1 % noise, torus (32×32, T = 16) and window (32×32 of 128×128, T = 10), density 0.3, for 1,
// 3 and 8 pooled trajectories (support: 1 and 4) and 20 seeds (support: 3).
//   build-h4/tests/carl_learner_tests "[.noise-figures]"
TEST_CASE("noise-aware detector figures", "[.noise-figures]") {
  const std::pair<ca::RuleTable, const char*> rules[] = {{ca::parse_rule("B3/S23"), "p4m"},
                                                         {ca::parse_rule("B2-a/S12"), "p4m"},
                                                         {chiral(), "p4"},
                                                         {random_invariant("p4", 11), "p4"},
                                                         {random_invariant("pm-v", 12), "pm-v"},
                                                         {ca::random_rule(13), "p1"}};
  int runs = 0, right = 0, wrong = 0;
  for (const char* mode : {"torus", "window"})
    for (int trajectories : {1, 3, 8})
      for (const auto& [rule, want] : rules)
        for (int seed = 1; seed <= 20; ++seed) {
          const auto v = detect_symmetry(SymmetryMethod::data,
                                         noisy_data(rule, mode, seed, trajectories), nullptr);
          const auto truth = groups::Subgroup::parse(want);
          ++runs;
          right += v.group == truth;
          wrong += !truth.contains(v.group);
        }
  std::cout << "symmetry under noise: true group " << right << "/" << runs
            << ", a group the rule lacks " << wrong << "/" << runs << "\n";
  std::vector<SupportCase> cases = support_cases();
  cases.push_back(
      {ca::random_von_neumann_rule(1, true), "von Neumann 1", groups::kVonNeumannCorners});
  cases.push_back(
      {ca::random_von_neumann_rule(4, true), "von Neumann 4", groups::kVonNeumannCorners});
  for (int trajectories : {1, 4}) {
    int n = 0, exact = 0, too_much = 0;
    for (const auto& c : cases)
      for (const char* mode : {"torus", "window"})
        for (int seed = 1; seed <= 3; ++seed) {
          const auto v = learner::detect_support(noisy_data(c.rule, mode, seed, trajectories),
                                                 groups::Subgroup::parse("p4m"));
          ++n;
          exact += v.ignored == c.ignored;
          too_much += (v.ignored & ~c.ignored) != 0;
        }
    std::cout << "support under noise, " << trajectories << " trajectories: exact " << exact << "/"
              << n << ", a cell the rule reads ignored " << too_much << "/" << n << "\n";
  }
}
