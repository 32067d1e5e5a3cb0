#include "sweep/zoo.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "ca/error.h"
#include "sweep/family.h"
#include "sweep/job.h"

namespace carl::sweep {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

}  // namespace

std::string run_zoo(const ZooOptions& opt) {
  const std::vector<std::string>& all_suites = zoo_suite_names();
  const std::vector<std::string> suites = opt.suites.empty() ? all_suites : opt.suites;
  for (const std::string& name : suites)
    if (std::find(all_suites.begin(), all_suites.end(), name) == all_suites.end())
      throw InputError(
          fmt::format("unknown zoo suite '{}' (one of: {})", name, fmt::join(all_suites, ", ")));
  const int per_suite = opt.rules_per_suite > 0 ? opt.rules_per_suite : (opt.quick ? 2 : 6);
  const int seeds = opt.seeds > 0 ? opt.seeds : (opt.quick ? 1 : 2);
  auto regime = [](const std::string& n) {
    for (const Regime& g : zoo_regimes())
      if (g.name == n) return g;
    throw InternalError("no zoo regime " + n);
  };
  auto setting = [](const std::string& n) {
    for (const Setting& s : zoo_settings())
      if (s.name == n) return s;
    throw InternalError("no zoo setting " + n);
  };
  const Regime scarce = regime("scarce"), standard = regime("standard"), noisy = regime("noisy-1%"),
               window_noisy = regime("window-noisy");
  const Setting certified = setting("certified"), risk = setting("risk");
  const std::vector<Setting> frontier = {setting("risk-0.01"), setting("risk-0.0001")};
  std::vector<Setting> variants = {setting("seed-policy")};  // named suite, scarce regime
  if (!opt.quick)
    for (const char* v : {"symmetry-function", "symmetry-kernels"}) variants.push_back(setting(v));

  struct Job {
    HiddenRule rule;
    Regime regime;
    Setting setting;
    std::uint64_t seed;
  };
  std::vector<Job> jobs;
  for (const std::string& name : suites) {
    const std::vector<HiddenRule> rules =
        zoo_suite(name, name == "named" && !opt.quick ? 2 * per_suite : per_suite);
    std::vector<Regime> regimes = {scarce};
    if (!opt.quick) regimes.push_back(standard);
    for (const HiddenRule& r : rules)
      for (std::uint64_t seed = 1; seed <= std::uint64_t(seeds); ++seed) {
        for (const Regime& g : regimes) {
          jobs.push_back({r, g, certified, seed});
          jobs.push_back({r, g, risk, seed});
        }
        if (!opt.quick && seed == 1)  // the δ frontier: one seed
          for (const Setting& s : frontier) jobs.push_back({r, scarce, s, seed});
        if (name == "named") {
          if (!opt.quick)
            for (const Regime& g : {noisy, window_noisy}) jobs.push_back({r, g, certified, seed});
          for (const Setting& s : variants) jobs.push_back({r, scarce, s, seed});
        }
      }
  }

  std::vector<json> results(jobs.size());
  const auto start = Clock::now();
  std::atomic<std::size_t> next{0}, finished{0};
  std::mutex print;
  std::exception_ptr failure;
  // Progress: on a terminal, a bar drawn from the start, naming the run that started last; in a
  // log (stderr not a terminal), one line per finished run.
  const bool tty = ::isatty(2);
  std::string running;
  auto describe = [](const Job& j) {
    return fmt::format("{} {} {} {} seed {}", j.rule.suite, j.rule.name.substr(0, 24),
                       j.regime.name, j.setting.name, j.seed);
  };
  auto draw = [&] {  // under `print`
    const std::size_t done = finished;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const int bar = int(40.0 * double(done) / double(jobs.size()));
    const std::string eta =
        done == 0 ? std::string("ETA --")
                  : fmt::format("ETA {}m{:02d}s",
                                int(elapsed / double(done) * double(jobs.size() - done)) / 60,
                                int(elapsed / double(done) * double(jobs.size() - done)) % 60);
    std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu  %s  running: %s",
                 std::string(std::size_t(bar), '#').c_str(),
                 std::string(std::size_t(40 - bar), '.').c_str(), done, jobs.size(), eta.c_str(),
                 running.c_str());
    std::fflush(stderr);
  };
  if (tty) {
    std::lock_guard<std::mutex> lock(print);
    draw();
  }
  auto worker = [&] {
    for (std::size_t i; (i = next++) < jobs.size();) {
      const Job& j = jobs[i];
      if (tty) {
        std::lock_guard<std::mutex> lock(print);
        running = describe(j);
        draw();
      }
      try {
        results[i] = run_job(j.rule, j.regime, j.setting, j.seed, opt.provider_exe);
        results[i]["family"] = rule_family(j.rule.table, j.regime);
      } catch (...) {
        std::lock_guard<std::mutex> lock(print);
        if (!failure) failure = std::current_exception();
        next = jobs.size();
        return;
      }
      const std::size_t done = ++finished;
      std::lock_guard<std::mutex> lock(print);
      if (tty) {
        draw();
      } else {
        const json& r = results[i];
        std::fprintf(stderr, "carl bench zoo: %zu/%zu  %s: %s, %d trajectories, %.1f s\n", done,
                     jobs.size(), describe(j).c_str(),
                     r.value("exact", false)    ? "exact"
                     : r.value("halted", false) ? "halted, not exact"
                                                : "budget spent",
                     r.value("trajectories", 0), r.value("seconds", 0.0));
        std::fflush(stderr);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, opt.jobs); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  json runs = json::array();
  for (auto& r : results) runs.push_back(std::move(r));
  if (tty) std::fprintf(stderr, "\r\033[K");

  const double total = std::chrono::duration<double>(Clock::now() - start).count();
  const ZooSummary summary =
      summarize(runs, opt.quick ? "Rule zoo — quick (smoke test)" : "Rule zoo — " + today(), total);

  std::filesystem::create_directories(opt.out_dir);
  const std::string stem = opt.out_dir + "/zoo-" + (opt.quick ? std::string("quick") : today());
  std::ofstream(stem + ".json") << json{{"runs", runs}, {"summary", summary.rows}}.dump(1) << "\n";
  std::ofstream(stem + ".md") << summary.markdown;
  return stem + ".md";
}

}  // namespace carl::sweep
