// Cell updates per second of ca::Stepper on a 1024×1024 torus, against Golly's bgolly
// (QuickLife, same rule, same size as the bounded torus :T1024,1024) measured in the same run.
// Also extractor::one_step_errors with a partial table (bit-sliced) against the cell-by-cell
// partial step it replaced, on a zoo-sized 64×64×32 trajectory.
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
#include <utility>

#include "ca/random_rules.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "ca/trajectory.h"
#include "extractor/extractor.h"

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

// The partial step before the bit-sliced one: pattern_at and an undetermined look-up per cell.
std::pair<carl::ca::Grid, carl::ca::Grid> per_cell_partial_step(
    const carl::ca::RuleTable& table, const carl::ca::Grid& x, const carl::ca::Grid& undetermined) {
  carl::ca::Grid next(x.height(), x.width()), bad(x.height(), x.width());
  for (int r = 0; r < x.height(); ++r)
    for (int c = 0; c < x.width(); ++c) {
      const carl::ca::Pattern p = carl::ca::pattern_at(x, r, c);
      bool u = !table.known(p);
      for (int dr = -1; dr <= 1 && !u; ++dr)
        for (int dc = -1; dc <= 1 && !u; ++dc) u = undetermined.wrapped(r + dr, c + dc) != 0;
      next.set(r, c, !u && table.output(p));
      bad.set(r, c, u);
    }
  return {next, bad};
}

carl::ca::RolloutScore per_cell_one_step_errors(const carl::ca::RuleTable& table,
                                                const carl::ca::Trajectory& truth) {
  carl::ca::RolloutScore r;
  for (std::size_t t = 0; t + 1 < truth.frames.size(); ++t) {
    const carl::ca::Grid& x = truth.frames[t];
    const auto [next, bad] = per_cell_partial_step(table, x, carl::ca::Grid(x.height(), x.width()));
    r.add(next, truth.frames[t + 1], &bad);
  }
  return r;
}

double g_one_step_seconds[2] = {0, 0};  // per call: bit-sliced, per cell

// Arg 0: the library's one_step_errors; arg 1: the per-cell reference. A random rule with 5%
// of its entries unknown, its own 64×64×32 trajectory (a standard zoo job's size).
void BM_OneStepErrors(benchmark::State& state) {
  const bool per_cell = state.range(0) == 1;
  const carl::ca::RuleTable full = carl::ca::random_rule(20261130, true);
  carl::ca::RuleTable table = full;
  for (int p = 0; p < carl::ca::kPatternCount; p += 20) table.forget(carl::ca::Pattern(p));
  const carl::ca::Trajectory truth =
      carl::ca::simulate(full, carl::ca::random_soup(64, 64, 0.5, 7), 32);
  const auto fast = carl::extractor::one_step_errors(table, truth, carl::ca::Boundary::torus);
  const auto slow = per_cell_one_step_errors(table, truth);
  if (fast.per_step != slow.per_step || fast.wrong_cells != slow.wrong_cells) {
    state.SkipWithError("the two versions disagree");
    return;
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto s = per_cell ? per_cell_one_step_errors(table, truth)
                      : carl::extractor::one_step_errors(table, truth, carl::ca::Boundary::torus);
    benchmark::DoNotOptimize(s);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  g_one_step_seconds[per_cell ? 1 : 0] = secs / double(state.iterations());
  state.SetLabel(per_cell ? "per-cell reference" : "bit-sliced");
}

// Reading a trajectory of `frames` RLE frames of 3×3 (T up to the config's 100000): the rate per
// frame stays the same at every length when reading is linear (each frame used to be read from a
// copy of the rest of the text: quadratic).
void BM_ReadTrajectoryRle(benchmark::State& state) {
  std::string text;
  for (long f = 0; f < state.range(0); ++f) text += "x = 3, y = 3\nobo$bo!\n";
  for (auto _ : state) {
    auto t = carl::ca::trajectory_from_rle(text, "long.rle");
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(BM_ReadTrajectoryRle)
    ->Name("read_trajectory_rle_frames")
    ->Arg(1000)
    ->Arg(100001)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OneStepErrors)
    ->Name("one_step_errors_64x64x32")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(1.0);
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
  if (g_one_step_seconds[0] > 0 && g_one_step_seconds[1] > 0)
    std::printf("one_step_errors 64x64x32: bit-sliced %.1f us, per cell %.1f us, ratio %.1fx\n",
                g_one_step_seconds[0] * 1e6, g_one_step_seconds[1] * 1e6,
                g_one_step_seconds[1] / g_one_step_seconds[0]);
  return 0;
}
