// Cell updates per second of ca::Stepper on a 1024×1024 torus, against Golly's bgolly
// (QuickLife, same rule, same size as the bounded torus :T1024,1024) measured in the same run.
//
// bgolly's time is the wall time of `bgolly -m G` minus that of `bgolly -m 0` on the same file,
// so reading the pattern and starting the process are not counted against it.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "ca/random_rules.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"

namespace {

constexpr int kSide = 1024;
constexpr double kCells = double(kSide) * kSide;

// The rules compared: Life, and a random ("chaotic") MAP rule without B0.
std::string rule_named(int which) {
  return which == 0 ? "B3/S23" : carl::ca::emit_map(carl::ca::random_rule(20261123, true));
}
const char* label(int which) {
  return which == 0 ? "life" : "random-map";
}

std::map<std::string, double> g_rate;  // rule label + engine → cell updates per second

// Arg 0: rule (0 Life, 1 random MAP); arg 1: kernel (0 auto, 1 avx2, 2 generic).
void BM_CarlTorus(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const char* kernels[] = {"auto", "avx2", "generic"};
  const std::string kernel = kernels[state.range(1)];
  const auto usable = carl::ca::Stepper::available_kernels();
  if (kernel != "auto" && std::find(usable.begin(), usable.end(), kernel) == usable.end()) {
    state.SkipWithError("kernel not available on this processor");
    return;
  }
  const carl::ca::Stepper stepper(carl::ca::parse_rule(rule_named(which)), kernel);
  // evolve() packs and unpacks the byte grid once per call; 256 generations a call make
  // that a small share, as in a long simulation.
  const int steps = 256;
  carl::ca::Grid grid = carl::ca::random_soup(kSide, kSide, 0.5, 1);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    grid = stepper.evolve(grid, steps);
    benchmark::DoNotOptimize(grid);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double updates = kCells * steps * double(state.iterations());
  state.counters["cell_updates_per_s"] = benchmark::Counter(updates, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(label(which)) + " kernel=" + stepper.kernel());
  if (kernel == "auto") g_rate[std::string(label(which)) + "/carl"] = updates / secs;
}

double run_seconds(const std::string& cmd) {
  const auto t0 = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) return -1;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_BgollyTorus(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const int generations = 200;
  char dir[] = "/tmp/carl-bench-XXXXXX";
  if (!::mkdtemp(dir)) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string in = std::string(dir) + "/soup.rle";
  {
    std::ofstream f(in);
    f << carl::ca::write_rle(carl::ca::random_soup(kSide, kSide, 0.5, 1),
                             rule_named(which) + ":T1024,1024");
  }
  auto cmd = [&](int g) {
    return "bgolly -q -q -m " + std::to_string(g) + " " + in + " > /dev/null 2>&1";
  };
  double total = 0;
  for (auto _ : state) {
    const double load = run_seconds(cmd(0));
    const double full = run_seconds(cmd(generations));
    if (load < 0 || full < 0) {
      state.SkipWithError("bgolly failed (is the golly package installed?)");
      break;
    }
    state.SetIterationTime(full - load);
    total += full - load;
  }
  std::system(("rm -rf " + std::string(dir)).c_str());
  if (total > 0) {
    state.counters["cell_updates_per_s"] =
        benchmark::Counter(kCells * generations * double(state.iterations()) / total);
    g_rate[std::string(label(which)) + "/bgolly"] =
        kCells * generations * double(state.iterations()) / total;
  }
  state.SetLabel(std::string(label(which)) + " QuickLife");
}

}  // namespace

BENCHMARK(BM_CarlTorus)
    ->Name("carl_torus_1024")
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK(BM_BgollyTorus)
    ->Name("bgolly_torus_1024")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(3);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const char* rule : {"life", "random-map"}) {
    const auto c = g_rate.find(std::string(rule) + "/carl");
    const auto b = g_rate.find(std::string(rule) + "/bgolly");
    if (c == g_rate.end() || b == g_rate.end()) continue;
    std::printf("%-10s carl %.3g cell updates/s, bgolly %.3g, ratio carl/bgolly = %.1fx\n", rule,
                c->second, b->second, c->second / b->second);
  }
  return 0;
}
