// Learner figures (issue: the rule learner): pattern path against frame path per training step,
// the allocator setting, time to convergence, and confidently wrong entries of one net against a
// committee. Timings are Google Benchmark runs; the other figures are printed as tables after.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

#include "ca/pattern_counts.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "learner/committee.h"
#include "learner/net.h"
#include "learner/torch_backend.h"

using namespace carl;

namespace {

ca::Trajectory life_64() {
  return ca::simulate(ca::parse_rule("B3/S23"), ca::random_soup(64, 64, 0.5, 1), 32);
}

std::map<std::string, double> g_step_ms;

// Arg: 0 = patterns, 1 = frames. One optimiser step over all data per iteration.
void BM_TrainStep(benchmark::State& state) {
  const bool frames = state.range(0) == 1;
  const ca::Trajectory t = life_64();
  const ca::PatternCounts counts = ca::count_patterns(t);
  learner::Net net(learner::NetConfig{}, groups::Subgroup(), 1);
  learner::TrainConfig tc;
  tc.fit_confidence = 1.0;  // never "converged": every step runs
  tc.max_steps = 20;
  double seconds = 0, steps = 0;
  for (auto _ : state) {
    learner::NetState s = net.state();
    const auto r = frames ? learner::torch_backend().train_frames(s, {t}, ca::Boundary::torus, tc)
                          : net.train(counts, tc);
    seconds += r.seconds;
    steps += r.steps;
  }
  state.counters["ms_per_step"] = 1000 * seconds / steps;
  state.SetLabel(frames ? "frames: 32 frames of 64x64" : "patterns: <= 512 patterns");
  g_step_ms[frames ? "frames" : "patterns"] = 1000 * seconds / steps;
}
BENCHMARK(BM_TrainStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

// Arg: 0 = glibc defaults, 1 = keep_freed_memory(). Frame-path steps on 64×64 frames (LibTorch).
void BM_Allocator(benchmark::State& state) {
  if (state.range(0) == 0)
    learner::default_freed_memory();
  else
    learner::keep_freed_memory();
  const ca::Trajectory t = life_64();
  learner::Net net(learner::NetConfig{}, groups::Subgroup(), 1);
  learner::TrainConfig tc;
  tc.fit_confidence = 1.0;
  tc.max_steps = 10;
  double seconds = 0, steps = 0;
  for (auto _ : state) {
    learner::NetState s = net.state();
    const auto r = learner::torch_backend().train_frames(s, {t}, ca::Boundary::torus, tc);
    seconds += r.seconds;
    steps += r.steps;
  }
  state.counters["ms_per_step"] = 1000 * seconds / steps;
  state.SetLabel(state.range(0) ? "keep_freed_memory" : "glibc defaults");
  g_step_ms[state.range(0) ? "keep" : "default"] = 1000 * seconds / steps;
}
BENCHMARK(BM_Allocator)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

// Committee of 5 against one net, per training step on the pattern path (Life, one 64×64 torus
// trajectory of 32 steps, the default net; arg: 0 = p1, all observed patterns, 1 = p4m, one per
// orbit). Each iteration times, back to back, 20 steps of: one net on LibTorch
// (TorchBackend::train, the path a net trained on before carl's own step), five such nets one after
// the other (the committee before batching), the committee of 5 (train_together: what
// Committee::train runs), one net through the batched path. The machine is shared: each figure is
// the fastest of the 15 iterations, the four interleaved so that they see the same load.
void BM_CommitteeStep(benchmark::State& state) {
  const char* group = state.range(0) == 0 ? "p1" : "p4m";
  const ca::PatternCounts counts = ca::count_patterns(life_64());
  learner::Committee five(learner::NetConfig{}, groups::Subgroup::parse(group), 5, 1);
  learner::Committee one(learner::NetConfig{}, groups::Subgroup::parse(group), 1, 1);
  learner::TrainConfig tc;
  tc.fit_confidence = 1.0;  // never "converged": every step runs
  tc.max_steps = 20;
  std::vector<learner::Net*> nets5, nets1;
  for (auto& m : five.members()) nets5.push_back(&m);
  for (auto& m : one.members()) nets1.push_back(&m);
  const learner::TorchBackend& torch = learner::torch_backend();
  double best[4] = {1e9, 1e9, 1e9, 1e9};
  auto time = [&](int mode, auto&& run) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    const double ms =
        1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best[mode] = std::min(best[mode], ms / tc.max_steps);
  };
  for (auto _ : state) {
    time(0, [&] {
      learner::NetState s = nets1[0]->state();
      torch.train(s, counts, tc);
    });
    time(1, [&] {
      for (auto* n : nets5) {
        learner::NetState s = n->state();
        torch.train(s, counts, tc);
      }
    });
    time(2, [&] { learner::train_together(nets5, counts, tc); });
    time(3, [&] { learner::train_together(nets1, counts, tc); });
  }
  const char* names[] = {"one_net", "five_in_turn", "five_batched", "one_batched"};
  for (int m = 0; m < 4; ++m) {
    state.counters[names[m]] = best[m];
    g_step_ms[fmt::format("{}/{}", group, m)] = best[m];
  }
  state.counters["batched_over_one"] = best[2] / best[0];
  state.SetLabel(fmt::format("{}: ms per step", group));
}
BENCHMARK(BM_CommitteeStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(15);

// Runs trained together (carl bench zoo --batch: learner::TrainingBatch), per training step: R
// runs, each a committee of 5 (the default net, p1) on its own data (a random rule's 64×64
// trajectory of 16 steps). Each iteration times 10 steps of: the R runs stacked as one LibTorch
// model (TorchBackend::train_stacked, what a batch round runs on CUDA) on LibTorch's CPU (arg 0) or
// on CUDA (arg 1), and carl's own CPU step run by run (what a round runs on the CPU). Figures: run
// steps per second (R × steps / time) of each, and their ratio.
void BM_StackedRuns(benchmark::State& state) {
  const int runs = int(state.range(0));
  const bool cuda = state.range(1) == 1;
  if (cuda && !learner::torch_backend().cuda_available()) {
    state.SkipWithError("no CUDA device; nothing measured");
    return;
  }
  std::vector<ca::PatternCounts> counts;
  std::vector<learner::Committee> committees;
  for (int r = 0; r < runs; ++r) {
    const ca::RuleTable rule = ca::random_rule(std::uint64_t(r) + 1);
    counts.push_back(
        ca::count_patterns(ca::simulate(rule, ca::random_soup(64, 64, 0.4, std::uint64_t(r)), 16)));
    committees.emplace_back(learner::NetConfig{}, groups::Subgroup(), 5, std::uint64_t(r));
  }
  learner::TrainConfig tc;
  tc.fit_confidence = 1.0;  // never "converged": every step runs
  tc.max_steps = 10;
  double stacked = 1e9, carl = 1e9;
  for (auto _ : state) {
    std::vector<std::vector<learner::NetState>> states{std::size_t(runs)};
    std::vector<std::vector<learner::NetState*>> nets{std::size_t(runs)};
    std::vector<const ca::PatternCounts*> data;
    for (int r = 0; r < runs; ++r) {
      for (const auto& m : committees[std::size_t(r)].members())
        states[std::size_t(r)].push_back(m.state());
      for (auto& st : states[std::size_t(r)]) nets[std::size_t(r)].push_back(&st);
      data.push_back(&counts[std::size_t(r)]);
    }
    auto t0 = std::chrono::steady_clock::now();
    learner::torch_backend().train_stacked(nets, data, tc, cuda);
    stacked = std::min(
        stacked, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < runs; ++r) {
      std::vector<learner::Net> copies;
      for (const auto& m : committees[std::size_t(r)].members()) copies.push_back(m.clone());
      std::vector<learner::Net*> members;
      for (auto& m : copies) members.push_back(&m);
      learner::train_together_here(members, counts[std::size_t(r)], tc);
    }
    carl = std::min(carl,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.counters["stacked_run_steps_per_s"] = runs * tc.max_steps / stacked;
  state.counters["carl_cpu_run_steps_per_s"] = runs * tc.max_steps / carl;
  state.counters["stacked_over_carl_cpu"] = carl / stacked;
  state.SetLabel(fmt::format("{} runs × committee of 5, stacked on {}", runs,
                             cuda ? "CUDA" : "LibTorch's CPU"));
}
BENCHMARK(BM_StackedRuns)
    ->Args({1, 0})
    ->Args({16, 0})
    ->Args({1, 1})
    ->Args({16, 1})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void convergence_table() {
  std::printf("\n## Time to convergence (one 64x64 torus trajectory, T=32, density 0.5)\n\n");
  std::printf(
      "| rule | net | steps | seconds | converged | final loss |\n|---|---|---|---|---|---|\n");
  const std::pair<const char*, ca::RuleTable> rules[] = {
      {"Life", ca::parse_rule("B3/S23")},
      {"HighLife", ca::parse_rule("B36/S23")},
      {"random MAP", ca::random_rule(20261123, true)}};
  for (const auto& [name, rule] : rules) {
    const ca::PatternCounts counts =
        ca::count_patterns(ca::simulate(rule, ca::random_soup(64, 64, 0.5, 1), 32));
    for (const char* g : {"p1", "p4m"}) {
      learner::Net net(learner::NetConfig{}, groups::Subgroup::parse(g), 1);
      learner::TrainConfig tc;
      tc.max_steps = 3000;
      const auto r = net.train(counts, tc);
      std::printf("| %s | %s | %d | %.2f | %s | %.4f |\n", name, g, r.steps, r.seconds,
                  r.converged ? "yes" : "no", r.final_loss);
    }
  }
}

void committee_table() {
  // HighLife, one 16×16 trajectory of 8 steps at density 0.3, p4m nets: unobserved entries that
  // are significant (> 0.9) but wrong, for member 0 alone and for the committee of 5 agreeing.
  std::printf("\n## Confidently wrong unobserved entries (HighLife, one 16x16 T=8 trajectory)\n\n");
  std::printf(
      "| seed | unobserved entries | one net: significant | one net: wrong | committee of 5: "
      "significant | committee of 5: wrong |\n|---|---|---|---|---|---|\n");
  const ca::RuleTable rule = ca::parse_rule("B36/S23");
  int total_single = 0, total_committee = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const ca::PatternCounts counts =
        ca::count_patterns(ca::simulate(rule, ca::random_soup(16, 16, 0.3, seed), 8));
    learner::Committee committee(learner::NetConfig{}, groups::Subgroup::parse("p4m"), 5, seed);
    committee.train(counts, learner::TrainConfig{});
    const auto preds = committee.predictions();
    int unobserved = 0, single_sig = 0, single_wrong = 0, comm_sig = 0, comm_wrong = 0;
    for (int p = 0; p < 512; ++p) {
      if (counts.observed(ca::Pattern(p))) continue;
      ++unobserved;
      const bool truth = rule.output(ca::Pattern(p));
      const double q = preds[0][std::size_t(p)];
      if (std::max(q, 1 - q) > 0.9) {
        ++single_sig;
        single_wrong += (q > 0.5) != truth;
      }
      bool all = true;
      const bool cls = q > 0.5;
      for (const auto& m : preds)
        all = all && (m[std::size_t(p)] > 0.5) == cls &&
              std::max(m[std::size_t(p)], 1 - m[std::size_t(p)]) > 0.9;
      if (all) {
        ++comm_sig;
        comm_wrong += cls != truth;
      }
    }
    total_single += single_wrong;
    total_committee += comm_wrong;
    std::printf("| %d | %d | %d | %d | %d | %d |\n", int(seed), unobserved, single_sig,
                single_wrong, comm_sig, comm_wrong);
  }
  std::printf("\nconfidently wrong entries over 8 seeds: one net %d, committee of 5 %d\n",
              total_single, total_committee);
}

}  // namespace

int main(int argc, char** argv) {
  learner::set_threads(1);
  bool filtered = false;  // a --benchmark_filter run skips the tables (they take minutes)
  for (int i = 1; i < argc; ++i) filtered = filtered || std::strstr(argv[i], "filter") != nullptr;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_step_ms.count("patterns") && g_step_ms.count("frames"))
    std::printf("\npatterns path %.3f ms/step, frames path %.3f ms/step: patterns %.0fx faster\n",
                g_step_ms["patterns"], g_step_ms["frames"],
                g_step_ms["frames"] / g_step_ms["patterns"]);
  if (g_step_ms.count("keep") && g_step_ms.count("default"))
    std::printf("allocator: glibc defaults %.2f ms/step, keep_freed_memory %.2f ms/step: %.2fx\n",
                g_step_ms["default"], g_step_ms["keep"], g_step_ms["default"] / g_step_ms["keep"]);
  for (const char* g : {"p1", "p4m"})
    if (g_step_ms.count(fmt::format("{}/0", g)) && g_step_ms.count(fmt::format("{}/2", g))) {
      const double one = g_step_ms[fmt::format("{}/0", g)],
                   turn = g_step_ms[fmt::format("{}/1", g)],
                   batched = g_step_ms[fmt::format("{}/2", g)],
                   one_batched = g_step_ms[fmt::format("{}/3", g)];
      std::printf(
          "%s: one net %.3f ms/step, 5 nets in turn %.3f (%.2fx), committee of 5 batched %.3f "
          "ms/step = %.2fx one net (one net on the batched path %.3f ms/step)\n",
          g, one, turn, turn / one, batched, batched / one, one_batched);
    }
  if (filtered) return 0;
  convergence_table();
  committee_table();
  return 0;
}
