// Cell updates per second of the CUDA simulator (ca/cuda) against the CPU kernel (ca::Stepper,
// the fastest this processor runs) on the same work, in the same run:
//   workload 0: one 8192×8192 torus, a random MAP rule;
//   workload 1: 4096 grids of 64×64, each under its own random MAP rule.
// The GPU keeps the grids on the device (ca::cuda::Batch::advance); the CPU steps packed grids
// too (Stepper::evolve, packing once per call). Where no CUDA device is present it says so and
// measures nothing. bgolly's figure for the same session comes from bench_simulate.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "ca/cuda/simulate.h"
#include "ca/random_rules.h"
#include "ca/simulate.h"

using namespace carl;

namespace {

struct Work {
  std::vector<ca::RuleTable> rules;
  std::vector<ca::Grid> grids;
  const char* name;
};

Work workload(int which) {
  Work w;
  if (which == 0) {
    w.rules.push_back(ca::random_rule(20261123, true));
    w.grids.push_back(ca::random_soup(8192, 8192, 0.5, 1));
    w.name = "one 8192x8192 grid";
  } else {
    for (int k = 0; k < 4096; ++k) {
      w.rules.push_back(ca::random_rule(1 + std::uint64_t(k), true));
      w.grids.push_back(ca::random_soup(64, 64, 0.5, 100 + std::uint64_t(k)));
    }
    w.name = "4096 grids of 64x64, 4096 rules";
  }
  return w;
}

double cells(const Work& w) {
  double n = 0;
  for (const auto& g : w.grids) n += double(g.size());
  return n;
}

std::map<std::string, double> g_rate;

void BM_Gpu(benchmark::State& state) {
  std::string why;
  if (!ca::cuda::available(&why)) {
    state.SkipWithError(("no CUDA device: " + why).c_str());
    return;
  }
  const Work w = workload(static_cast<int>(state.range(0)));
  ca::cuda::Batch batch(w.rules, w.grids);
  batch.advance(1);  // warm-up: context, first launch
  const int steps = state.range(0) == 0 ? 100 : 1000;
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    batch.advance(steps);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const double rate = cells(w) * steps * double(state.iterations()) / seconds;
  state.counters["cell_updates_per_s"] = rate;
  state.SetLabel(std::string(w.name) + " on " + why);
  g_rate[std::string("gpu/") + w.name] = rate;
}
BENCHMARK(BM_Gpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Cpu(benchmark::State& state) {
  std::string why;
  if (!ca::cuda::available(&why)) {
    state.SkipWithError("no CUDA device: the CPU reference is measured only beside the GPU");
    return;
  }
  const Work w = workload(static_cast<int>(state.range(0)));
  std::vector<ca::Stepper> steppers;
  for (const auto& r : w.rules) steppers.emplace_back(r);
  std::vector<ca::Grid> grids = w.grids;
  const int steps = state.range(0) == 0 ? 4 : 100;
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t k = 0; k < grids.size(); ++k)
      grids[k] = steppers[steppers.size() == 1 ? 0 : k].evolve(grids[k], steps);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const double rate = cells(w) * steps * double(state.iterations()) / seconds;
  state.counters["cell_updates_per_s"] = rate;
  state.SetLabel(std::string(w.name) + " kernel=" + steppers.front().kernel());
  g_rate[std::string("cpu/") + w.name] = rate;
}
BENCHMARK(BM_Cpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  std::string why;
  if (!ca::cuda::available(&why)) {
    std::printf("bench_simulate_cuda: no CUDA device (%s); nothing measured\n", why.c_str());
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const char* name : {"one 8192x8192 grid", "4096 grids of 64x64, 4096 rules"}) {
    const std::string n = name;
    if (g_rate.count("gpu/" + n) && g_rate.count("cpu/" + n))
      std::printf("%s: GPU %.3g cell updates/s, CPU %.3g, GPU/CPU = %.0fx\n", name,
                  g_rate["gpu/" + n], g_rate["cpu/" + n], g_rate["gpu/" + n] / g_rate["cpu/" + n]);
  }
  return 0;
}
