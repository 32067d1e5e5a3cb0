#include "sweep/zoo.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "ca/error.h"
#include "ca/files.h"
#include "sweep/behaviour.h"
#include "sweep/job.h"
#include "sweep/plan.h"
#include "sweep/workers.h"

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

std::vector<Job> zoo_jobs(const ZooOptions& opt) {
  const std::vector<std::string>& all_suites = zoo_suite_names();
  const std::vector<std::string> suites = opt.suites.empty() ? all_suites : opt.suites;
  for (auto it = suites.begin(); it != suites.end(); ++it) {
    if (std::find(all_suites.begin(), all_suites.end(), *it) == all_suites.end())
      throw InputError(fmt::format("unknown zoo suite '{}' (one of: {})", printable(*it),
                                   fmt::join(all_suites, ", ")));
    if (std::find(suites.begin(), it, *it) != it)  // its runs would be run and counted twice
      throw InputError(fmt::format("--suites: '{}' given twice", *it));
  }
  const int per_suite = opt.rules_per_suite > 0 ? opt.rules_per_suite : (opt.quick ? 2 : 6);
  const int seeds = opt.seeds > 0 ? opt.seeds : (opt.quick ? 1 : 2);
  // The job list is held in memory: refused before it is built (at most 11 runs a rule and seed;
  // the named suite has twice the rules).
  constexpr std::uint64_t kMostRuns = 1000000;
  const std::uint64_t runs =
      std::uint64_t(suites.size() + 1) * std::uint64_t(per_suite) * std::uint64_t(seeds) * 11;
  if (runs > kMostRuns)
    throw InputError(fmt::format(
        "--rules {} × --seeds {} over {} suites: up to {} runs, more than the zoo's {} (carl "
        "sweep runs larger plans)",
        per_suite, seeds, suites.size(), runs, kMostRuns));
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

  std::vector<Job> jobs;
  for (const std::string& name : suites) {
    const std::vector<HiddenRule> rules =
        zoo_suite(name, name == "named" && !opt.quick ? 2 * per_suite : per_suite);
    std::vector<Regime> regimes = {scarce};
    if (!opt.quick) regimes.push_back(standard);
    for (const HiddenRule& r : rules)
      for (std::uint64_t seed = 1; seed <= std::uint64_t(seeds); ++seed) {
        for (const Regime& g : regimes) {
          jobs.push_back({jobs.size(), r, g, certified, seed});
          jobs.push_back({jobs.size(), r, g, risk, seed});
        }
        if (!opt.quick && seed == 1)  // the δ frontier: one seed
          for (const Setting& s : frontier) jobs.push_back({jobs.size(), r, scarce, s, seed});
        if (name == "named") {
          if (!opt.quick)
            for (const Regime& g : {noisy, window_noisy})
              jobs.push_back({jobs.size(), r, g, certified, seed});
          for (const Setting& s : variants) jobs.push_back({jobs.size(), r, scarce, s, seed});
        }
      }
  }
  return jobs;
}

std::string describe(const Job& j) {
  return fmt::format("{} {} {} {} seed {}", j.rule.suite, j.rule.name.substr(0, 24), j.regime.name,
                     j.setting.name, j.seed);
}

json run_zoo_job(const Job& j, const std::string& provider_exe) {
  json record = run_job(j.rule, j.regime, j.setting, j.seed, provider_exe);
  record["behaviour"] = rule_behaviour(j.rule.table, j.regime);
  return record;
}

// The zoo's jobs handed out in order, their records kept by number, and the progress: on a
// terminal, a bar drawn from the start naming the run that started last; in a log (stderr not a
// terminal), one line per finished run.
class ZooQueue : public JobQueue {
 public:
  explicit ZooQueue(std::vector<Job> jobs) : jobs_(std::move(jobs)), results_(jobs_.size()) {
    if (tty_) draw();
  }

  std::optional<std::uint64_t> next() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_ || next_ >= jobs_.size()) return std::nullopt;
    running_ = describe(jobs_[next_]);
    if (tty_) draw();
    return next_++;
  }
  void finish(std::uint64_t id, const json& record, const std::string&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // A worker builds the job list from its own arguments: its record must be of this job.
    const Job& j = jobs_[std::size_t(id)];
    CARL_CHECK(is_record_of(record, j) && results_[std::size_t(id)].is_null(),
               "a record that is not zoo job {}'s ({}), or that job twice", id, describe(j));
    results_[std::size_t(id)] = record;
    ++finished_;
    if (tty_) return draw();
    std::fprintf(stderr, "carl bench zoo: %zu/%zu  %s: %s, %d trajectories, %.1f s\n", finished_,
                 jobs_.size(), describe(jobs_[std::size_t(id)]).c_str(),
                 record.value("exact", false)    ? "exact"
                 : record.value("halted", false) ? "halted, not exact"
                                                 : "budget spent",
                 record.value("trajectories", 0), record.value("seconds", 0.0));
    std::fflush(stderr);
  }
  void fail(const std::string& message, bool input) override {
    std::lock_guard<std::mutex> lock(mutex_);
    failure_.note(message, input);
  }
  std::string describe(std::uint64_t id) const override { return describe(jobs_[std::size_t(id)]); }
  const Job& job(std::uint64_t id) const { return jobs_[std::size_t(id)]; }
  std::size_t size() const { return jobs_.size(); }

  // After every feeder has stopped: the first failure thrown, else the records in job order.
  json conclude() {
    if (tty_) std::fprintf(stderr, "\r\033[K");
    failure_.throw_if_any();
    json runs = json::array();
    for (json& r : results_) runs.push_back(std::move(r));
    return runs;
  }

 private:
  static std::string describe(const Job& j) { return sweep::describe(j); }
  void draw() const {  // under mutex_
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const std::size_t done = finished_, all = jobs_.size();
    const int bar = int(40.0 * double(done) / double(std::max<std::size_t>(all, 1)));
    const int eta = done == 0 ? -1 : int(elapsed / double(done) * double(all - done));
    const std::string eta_text =
        eta < 0 ? std::string("ETA --") : fmt::format("ETA {}m{:02d}s", eta / 60, eta % 60);
    std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu  %s  running: %s",
                 std::string(std::size_t(bar), '#').c_str(),
                 std::string(std::size_t(40 - bar), '.').c_str(), done, all, eta_text.c_str(),
                 running_.c_str());
    std::fflush(stderr);
  }

  const std::vector<Job> jobs_;
  std::vector<json> results_;
  std::mutex mutex_;
  std::size_t next_ = 0, finished_ = 0;
  std::string running_;
  FirstFailure failure_;
  const bool tty_ = ::isatty(2);
  const Clock::time_point start_ = Clock::now();
};

}  // namespace

int serve_zoo_jobs(const ZooOptions& opt) {
  const std::vector<Job> jobs = zoo_jobs(opt);
  return serve_jobs([&](std::uint64_t id) {
    if (id >= jobs.size()) throw InternalError(fmt::format("no zoo job {}", id));
    return run_zoo_job(jobs[std::size_t(id)], opt.provider_exe);
  });
}

std::vector<std::string> zoo_worker_arguments(const ZooOptions& opt) {
  // 0: the mode's default, which the worker's --quick gives too.
  std::vector<std::string> args = {"bench", "zoo"};
  if (opt.rules_per_suite > 0)
    args.insert(args.end(), {"--rules", std::to_string(opt.rules_per_suite)});
  if (opt.seeds > 0) args.insert(args.end(), {"--seeds", std::to_string(opt.seeds)});
  if (opt.quick) args.push_back("--quick");
  if (!opt.suites.empty()) {
    args.push_back("--suites");
    args.insert(args.end(), opt.suites.begin(), opt.suites.end());
  }
  args.push_back("--worker");
  return args;
}

std::string run_zoo(const ZooOptions& opt) {
  const auto start = Clock::now();
  if (opt.batch > 1 && opt.jobs > 1)
    throw InputError(fmt::format(
        "--batch {} with --jobs {}: a batch runs in threads of one process; use --jobs 1",
        opt.batch, opt.jobs));
  // A bad --out (a file in the way, a symbolic link) is refused before the runs, not after.
  ca::make_directories(opt.out_dir);
  ca::require_real_directory(opt.out_dir);
  ZooQueue queue(zoo_jobs(opt));
  const auto run_here = [&](std::uint64_t id) {
    return run_zoo_job(queue.job(id), opt.provider_exe);
  };
  // No more workers or threads than jobs.
  const auto at_most_jobs = [&](int n) {
    return int(std::min<std::size_t>(std::size_t(std::max(1, n)), queue.size()));
  };
  std::optional<BatchFigures> batch;
  if (opt.batch > 1)
    batch = run_jobs_batched(queue, at_most_jobs(opt.batch), run_here, "");
  else
    run_jobs(queue, at_most_jobs(opt.jobs), opt.worker_command, run_here, "");
  json runs = queue.conclude();

  const double total = std::chrono::duration<double>(Clock::now() - start).count();
  const ZooSummary summary =
      summarize(runs, opt.quick ? "Rule zoo — quick (smoke test)" : "Rule zoo — " + today(), total);

  json zoo_json{{"runs", runs}, {"summary", summary.rows}};
  if (batch)  // how far the runs' rounds lined up
    zoo_json["batch"] = {
        {"runs", opt.batch}, {"trainings", batch->trainings}, {"rounds", batch->rounds}};
  const std::string stem = "zoo-" + (opt.quick ? std::string("quick") : today());
  // Like every file carl writes for the user: beside, synced, renamed, never through a link.
  ca::write_durably(opt.out_dir, stem + ".json", zoo_json.dump(1) + "\n");
  ca::write_durably(opt.out_dir, stem + ".md", summary.markdown);
  return opt.out_dir + "/" + stem + ".md";
}

}  // namespace carl::sweep
