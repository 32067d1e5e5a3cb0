#include "sweep/job.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <tuple>

#include "ca/choice.h"
#include "ca/error.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "experiment/loop.h"
#include "groups/invariance.h"
#include "groups/orbits.h"
#include "provider/builtin.h"
#include "sweep/behaviour.h"
#include "sweep/scratch.h"

namespace carl::sweep {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* kNamed[] = {
    "B3/S23",        "B36/S23",   "B2/S",          "B3678/S34678",    "B35678/S5678",
    "B1357/S1357",   "B3/S12345", "B36/S125",      "B368/S245",       "B4678/S35678",
    "B3/S012345678", "B34/S34",   "B2-a/S12",      "B3/S2-i34q",      "B2e3ai/S23",
    "B2i34c/S2-i3",  "B2cn3/S23", "B34ceq/S2-k3",  "B3aiy4e/S1c2ae3", "B2k3-r/S1e2-ca",
    "B4w5/S2-e3j",   "B3n/S23-k", "B36-c/S23-n4e", "B2c3a/S1e2"};
const char* kDying[] = {"B5678/S", "B678/S678", "B5/S",      "B4678/S",
                        "B78/S78", "B6/S",      "B45678/S8", "B8/S"};

}  // namespace

const std::vector<std::string>& zoo_suite_names() {
  static const std::vector<std::string> names = {
      "named",      "lifelike-random", "isotropic-random", "chiral-random", "mirror-random",
      "map-random", "dying",           "vonneumann"};
  return names;
}

const std::vector<Regime>& zoo_regimes() {
  static const std::vector<Regime> regimes = {
      {"scarce", 16, 8, 0.3, 0.0, 16},
      {"standard", 64, 32, 0.5, 0.0, 8},
      {"noisy-1%", 32, 16, 0.3, 0.01, 16},
      // A 32×32 window of a 4× larger torus, with 1% observation noise.
      {"window-noisy", 32, 10, 0.3, 0.01, 16, "window"}};
  return regimes;
}

const std::vector<Setting>& zoo_settings() {
  static const std::vector<Setting> settings = [] {
    std::vector<Setting> s;
    s.push_back({"certified"});
    s.push_back({"risk", "risk"});
    for (double d : {0.01, 0.0001}) {  // the risk policy's δ frontier
      Setting f{fmt::format("risk-{:g}", d), "risk"};
      f.delta = d;
      s.push_back(f);
    }
    s.push_back({"seed-policy", "seed"});
    for (const char* m : {"function", "kernels"}) {
      Setting v{std::string("symmetry-") + m};
      v.symmetry = m;
      s.push_back(v);
    }
    return s;
  }();
  return settings;
}

std::vector<HiddenRule> zoo_suite(const std::string& name, int count) {
  const auto& names = zoo_suite_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw InputError(
        fmt::format("unknown zoo suite '{}' (one of: {})", name, fmt::join(names, ", ")));
  std::vector<HiddenRule> out;
  auto add = [&](std::string n, ca::RuleTable t) { out.push_back({name, std::move(n), t}); };
  if (name == "named") {
    // Alternate Life-like and Hensel rules so a prefix holds both kinds.
    std::vector<const char*> order;
    for (int i = 0; i < 12; ++i) {
      order.push_back(kNamed[i]);
      order.push_back(kNamed[12 + i]);
    }
    for (int i = 0; i < count && i < int(order.size()); ++i)
      add(order[std::size_t(i)], ca::parse_rule(order[std::size_t(i)]));
  } else if (name == "dying") {
    for (int i = 0; i < count && i < 8; ++i) add(kDying[i], ca::parse_rule(kDying[i]));
  } else if (name == "vonneumann") {
    // Outer-totalistic von Neumann rules (the corners never matter), B0 excluded, that neither
    // die out at once nor fill the plane (each needs both births and survivals).
    for (std::uint64_t seed = 1; int(out.size()) < count; ++seed) {
      const ca::RuleTable t = ca::random_von_neumann_rule(seed, true);
      if (!t.output(0x10) && !t.output(0x10 | 0x80 | 0x20 | 0x08 | 0x02)) continue;
      add(fmt::format("vonneumann#{}", seed), t);
    }
  } else {
    for (std::uint64_t seed = 1; int(out.size()) < count; ++seed) {
      ca::RuleTable t;
      if (name == "lifelike-random") t = ca::random_outer_totalistic_rule(seed);
      if (name == "isotropic-random") t = ca::random_isotropic_rule(seed);
      if (name == "map-random") t = ca::random_rule(seed);
      if (name == "chiral-random")
        t = groups::random_invariant_rule(groups::Subgroup::parse("p4"), seed);
      if (name == "mirror-random")
        t = groups::random_invariant_rule(groups::Subgroup::parse("pm-v"), seed);
      if (!t.complete()) throw InputError(fmt::format("unknown zoo suite '{}'", name));
      const std::string want = name == "chiral-random"   ? "p4"
                               : name == "mirror-random" ? "pm-v"
                               : name == "map-random"    ? "p1"
                                                         : "p4m";
      if (groups::largest_invariant_subgroup(t).name() != want) continue;
      add(fmt::format("{}#{}", name, seed), t);
    }
  }
  return out;
}

namespace {

// A source that times the provider.
class TimedSource : public provider::TrajectorySource {
 public:
  explicit TimedSource(provider::TrajectorySource& inner) : inner_(inner) {}
  provider::Shape shape() const override { return inner_.shape(); }
  double seconds = 0;

 protected:
  ca::Trajectory fetch(int) override {
    const auto t0 = Clock::now();
    ca::Trajectory t = inner_.next();
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    return t;
  }

 private:
  provider::TrajectorySource& inner_;
};

// Trajectories the counting baselines need on the provider's own trajectories: until every
// pattern (count) or every orbit of the rule's true group (count-G) has been seen. -1: not
// within the budget.
std::pair<int, int> baselines(const provider::ProviderOptions& po, const groups::Orbits& orbits,
                              int budget) {
  const provider::HiddenRuleWorld world(po);
  const ca::Boundary b = po.mode;
  ca::PatternCounts counts;
  int count = -1, count_g = -1;
  for (int k = 0; k < budget && count < 0; ++k) {
    counts.add(world.trajectory(k), b);
    if (count_g < 0) {
      bool all = true;
      for (int o = 0; o < orbits.count() && all; ++o) all = counts.any_observed(orbits.members(o));
      if (all) count_g = k + 1;
    }
    if (counts.observed_count() == ca::kPatternCount) count = k + 1;
  }
  return {count, count_g};
}
}  // namespace

json run_job(const HiddenRule& rule, const Regime& regime, const Setting& setting,
             std::uint64_t seed, const std::string& provider_exe) {
  experiment::Config cfg;
  cfg.name = "zoo";
  auto& p = cfg.provider;
  p.rule = ca::emit_rule(rule.table);
  p.height = p.width = regime.side;
  p.steps = regime.steps;
  p.density = regime.density;
  p.noise = regime.noise;
  p.mode = *parse_choice<ca::Boundary>(regime.mode);
  p.seed = seed;
  cfg.learner.seed = seed;
  cfg.learner.committee = setting.committee;
  cfg.learner.train.objective = *parse_choice<learner::Objective>(setting.objective);
  cfg.learner.symmetry = learner::SymmetryMethod::parse(setting.symmetry);
  cfg.stopping.policy = *parse_choice<extractor::Policy>(setting.policy);
  cfg.stopping.delta = setting.delta;
  cfg.stopping.max_trajectories = regime.budget;
  cfg.stopping.max_rounds = 2 * regime.budget;
  if (regime.noise > 0) {
    cfg.learner.train.min_agreement = 0.8;
    cfg.stopping.certify_on = extractor::CertifyOn::one_step;
    cfg.stopping.tolerance = 0.05;
  }
  cfg.output.checkpoint = false;

  const ScratchDirectory dir;
  const groups::Subgroup truth = groups::largest_invariant_subgroup(rule.table);
  groups::CellMask ignored_truth = 0;  // the cells the hidden rule ignores
  for (int k = 0; k < 9; ++k) {
    bool ignores = true;
    for (int q = 0; q < ca::kPatternCount && ignores; ++q)
      ignores = rule.table.output(ca::Pattern(q)) == rule.table.output(ca::Pattern(q ^ (1 << k)));
    if (ignores) ignored_truth |= groups::CellMask(1u << k);
  }
  const groups::Orbits true_classes(truth, groups::invariant_closure(truth, ignored_truth));
  std::vector<int> wrong_by_round;
  experiment::Outcome o;
  double provider_s = 0, total_s = 0;
  {
    provider::TrajectoryStore store(dir.path());
    experiment::RunSource live(cfg, store, provider_exe);
    TimedSource source(live);
    experiment::LoopHooks hooks;
    hooks.on_rule = [&](const extractor::ExtractedRule& r) {
      wrong_by_round.push_back(static_cast<int>(ca::compare(r.table, rule.table).wrong.size()));
    };
    const auto t0 = Clock::now();
    o = experiment::run_loop(cfg, source, hooks);
    total_s = std::chrono::duration<double>(Clock::now() - t0).count();
    provider_s = source.seconds;
  }

  const provider::ProviderOptions po = experiment::provider_options(p);
  const auto [count, count_g] = baselines(po, true_classes, regime.budget);

  // What the learned table is worth on trajectories the loop never saw: the share of wrongly
  // predicted one-step cell updates (unknown entries counted wrong) on 20 further trajectories of
  // the same provider (without its observation noise), and on 20 at density 0.5 — there also for
  // the same table with every generalized entry set unknown (what counting alone would give).
  auto heldout = [&](double density, const ca::RuleTable& table) {
    provider::ProviderOptions h = po;
    h.noise = 0;
    h.density = density;
    const provider::HiddenRuleWorld world(h);
    const ca::Boundary b = h.mode;
    std::vector<ca::Trajectory> fresh;
    for (int k = 0; k < 20; ++k) fresh.push_back(world.trajectory(1000 + k));
    return ca::pooled_loss(
        fresh, [&](const ca::Trajectory& t) { return extractor::one_step_errors(table, t, b); });
  };
  ca::RuleTable counted = o.rule.table;
  int generalized = 0;
  for (int q = 0; q < ca::kPatternCount; ++q)
    if (o.rule.provenance[std::size_t(q)] == extractor::Provenance::generalized) {
      counted.forget(ca::Pattern(q));
      ++generalized;
    }
  const double heldout_error = heldout(p.density, o.rule.table);
  const double heldout_dense = heldout(0.5, o.rule.table);
  const double heldout_dense_counted = heldout(0.5, counted);

  const ca::TableComparison learned = ca::compare(o.rule.table, rule.table);
  const int wrong = static_cast<int>(learned.wrong.size());
  const int unknown = static_cast<int>(learned.unknown.size());
  const bool exact = learned.exact();
  return json{{"suite", rule.suite},
              {"rule", rule.name},
              {"regime", regime.name},
              {"setting", setting.name},
              {"policy", setting.policy},
              {"stated_bound", o.stated_bound ? json(setting.delta) : json(nullptr)},
              {"bound_value", o.stated_bound ? json(o.stated_bound->bound) : json(nullptr)},
              {"heldout_error", heldout_error},
              {"heldout_error_dense", heldout_dense},
              {"heldout_error_dense_counting", heldout_dense_counted},
              {"generalized_entries", generalized},
              {"support_detected", groups::support_name(o.rule.ignored_cells)},
              {"seed", seed},
              {"exact", exact},
              {"wrong_entries", wrong},
              {"unknown_entries", unknown},
              {"confidently_wrong_by_round", wrong_by_round},
              {"trajectories", o.trajectories},
              {"halted", o.halted},
              {"false_halt", o.halted && !exact},
              {"reason", o.reason},
              {"group_detected", o.rule.group.name()},
              {"group_true", truth.name()},
              {"support_true", groups::support_name(true_classes.ignored())},
              {"seconds", total_s},
              {"provider_seconds", provider_s},
              {"learning_seconds", total_s - provider_s},
              {"count", count < 0 ? json(nullptr) : json(count)},
              {"count_g", count_g < 0 ? json(nullptr) : json(count_g)}};
}
const std::vector<std::string>& timing_fields() {
  static const std::vector<std::string> fields = {"seconds", "provider_seconds",
                                                  "learning_seconds"};
  return fields;
}

namespace {

template <class T>
double median(std::vector<T> v) {  // 0 for none
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

std::string median_worst(const std::vector<int>& v, int runs) {
  if (v.empty()) return "–";
  return fmt::format("{:g} / {}{}", median(v), *std::max_element(v.begin(), v.end()),
                     int(v.size()) < runs ? fmt::format(" ({} of {})", v.size(), runs) : "");
}

// Outcomes by regime × setting × rule behaviour (records with a "behaviour" field: exact, budget
// stops not exact, false halts, which add up to the runs), and how carl's trajectories compare with
// count-G's where both recovered the rule.
std::string by_behaviour(const json& runs) {
  std::vector<std::pair<std::string, std::string>> rows;  // regime × setting
  for (const json& r : runs) {
    const std::pair<std::string, std::string> row{r["regime"], r["setting"]};
    if (r.contains("behaviour") && std::find(rows.begin(), rows.end(), row) == rows.end())
      rows.push_back(row);
  }
  if (rows.empty()) return "";
  std::string md =
      "\n## By rule behaviour\n\nThe rule families by what the rule does to the regime's soups "
      "(`sweep/behaviour.h`): B0 (the empty neighbourhood gives birth), dying (a live share at "
      "the last step of at most a tenth of the density), explosive (at least 1.5× the density), "
      "steady (the rest). Budget stops: runs not exact that spent their trajectories without "
      "halting. Not shown: of the runs not exact, those where count-G did not recover the rule "
      "within the budget either (the trajectories never showed some class of the rule's true "
      "group and support). Against count-G: exact runs where count-G also recovered the rule, by "
      "whether carl needed fewer, as many or more trajectories.\n\n"
      "| regime | setting | behaviour | runs | exact | share exact | budget stops | false halts | "
      "not shown | carl traj. | count-G traj. | carl < count-G | = | > |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& [regime, setting] : rows)
    for (const std::string& behaviour : rule_behaviours()) {
      int n = 0, exact = 0, budget = 0, false_halts = 0, unseen = 0, fewer = 0, same = 0, more = 0;
      std::vector<int> carl, count_g;
      for (const json& r : runs) {
        if (r["regime"] != regime || r["setting"] != setting ||
            r.value("behaviour", "") != behaviour)
          continue;
        ++n;
        exact += r["exact"].get<bool>();
        budget += !r["halted"].get<bool>() && !r["exact"].get<bool>();
        false_halts += r["false_halt"].get<bool>();
        unseen += !r["exact"].get<bool>() && r["count_g"].is_null();
        if (r["exact"].get<bool>()) carl.push_back(r["trajectories"].get<int>());
        if (!r["count_g"].is_null()) count_g.push_back(r["count_g"].get<int>());
        if (r["exact"].get<bool>() && !r["count_g"].is_null()) {
          const int c = r["trajectories"].get<int>(), g = r["count_g"].get<int>();
          fewer += c < g;
          same += c == g;
          more += c > g;
        }
      }
      if (n == 0) continue;
      md += fmt::format(
          "| {} | {} | {} | {} | {} | {:.1f}% | {} | {} | {} | {} | {} | {} | {} | {} |\n", regime,
          setting, behaviour, n, exact, 100.0 * exact / n, budget, false_halts, unseen,
          median_worst(carl, n), median_worst(count_g, n), fewer, same, more);
    }
  return md;
}

}  // namespace

ZooSummary summarize(const json& runs, const std::string& heading, double seconds) {
  // Summary rows: suite × regime × setting.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<json>> groups_of_runs;
  std::vector<std::tuple<std::string, std::string, std::string>> order;
  for (const json& r : runs) {
    const auto key = std::make_tuple(r["suite"].get<std::string>(), r["regime"].get<std::string>(),
                                     r["setting"].get<std::string>());
    if (!groups_of_runs.count(key)) order.push_back(key);
    groups_of_runs[key].push_back(r);
  }
  json summary = json::array();
  std::string md = fmt::format(
      "# {}\n\nEach row: runs of the loop (carl) and of the counting baselines on the "
      "same trajectories. Trajectories are median / worst over the runs that recovered the rule "
      "exactly (carl: including any certification trajectory; count: until every pattern was "
      "seen; count-G: until every class of the rule's true group and support was seen), with how "
      "many of the runs did so when not all; `all runs` is the median over every run. False "
      "halts: halted with a rule that is not exactly the hidden one (for the risk policy this is "
      "allowed within its bound: see `over δ`). Held-out error: the share of wrongly predicted "
      "one-step cell updates (unknown entries counted wrong) on 20 trajectories the loop never "
      "saw, median / max over the runs; `over δ`: runs whose held-out error exceeded the risk "
      "policy's δ. Dense: the same on 20 trajectories at density 0.5, and for the same table "
      "with every generalized entry set unknown (counting alone).\n\n"
      "| suite | regime | setting | runs | exact | false halts | budget stops | group right | "
      "support right | carl traj. | all runs | count traj. | count-G traj. | held-out error | "
      "over δ | dense: carl / counting | median s |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      heading);
  for (const auto& key : order) {
    const auto& rs = groups_of_runs[key];
    int exact = 0, false_halts = 0, budget = 0, group_right = 0, support_right = 0, over = 0;
    std::vector<int> carl, count, count_g, all;
    std::vector<double> secs, err, dense, dense_counting;
    for (const json& r : rs) {
      exact += r["exact"].get<bool>();
      false_halts += r["false_halt"].get<bool>();
      budget += !r["halted"].get<bool>();
      group_right += r["group_detected"] == r["group_true"];
      support_right += r["support_detected"] == r["support_true"];
      if (r["exact"].get<bool>()) carl.push_back(r["trajectories"].get<int>());
      all.push_back(r["trajectories"].get<int>());
      if (!r["count"].is_null()) count.push_back(r["count"].get<int>());
      if (!r["count_g"].is_null()) count_g.push_back(r["count_g"].get<int>());
      secs.push_back(r["seconds"].get<double>());
      err.push_back(r["heldout_error"].get<double>());
      dense.push_back(r["heldout_error_dense"].get<double>());
      dense_counting.push_back(r["heldout_error_dense_counting"].get<double>());
      if (!r["stated_bound"].is_null() &&
          r["heldout_error"].get<double>() > r["stated_bound"].get<double>())
        ++over;
    }
    const int n = int(rs.size());
    const bool risk = rs.front()["policy"] == "risk";
    summary.push_back({{"suite", std::get<0>(key)},
                       {"regime", std::get<1>(key)},
                       {"setting", std::get<2>(key)},
                       {"runs", n},
                       {"exact", exact},
                       {"false_halts", false_halts},
                       {"budget_stops", budget},
                       {"group_right", group_right},
                       {"support_right", support_right},
                       {"carl_trajectories", carl},
                       {"all_trajectories", all},
                       {"count_trajectories", count},
                       {"count_g_trajectories", count_g},
                       {"heldout_over_delta", over}});
    md += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:g} | {} | {} | {:.2g} / {:.2g} | "
        "{} | {:.2g} / {:.2g} | {:.1f} |\n",
        std::get<0>(key), std::get<1>(key), std::get<2>(key), n, exact, false_halts, budget,
        group_right, support_right, median_worst(carl, n), median(all), median_worst(count, n),
        median_worst(count_g, n), median(err), *std::max_element(err.begin(), err.end()),
        risk ? std::to_string(over) : "–", median(dense), median(dense_counting), median(secs));
  }
  // The δ frontier of the risk policy over every suite in the scarce regime, seed 1.
  md +=
      "\n## The risk policy's δ frontier (scarce regime, every suite, seed 1)\n\n"
      "| δ | runs | median trajectories | halted | halted not exact | held-out error > δ | "
      "median held-out error |\n|---|---|---|---|---|---|---|\n";
  for (double d : {0.01, 0.001, 0.0001}) {
    std::vector<double> traj, err;
    int halted = 0, inexact = 0, over = 0;
    for (const json& r : runs) {
      if (r["policy"] != "risk" || r["regime"] != "scarce" || r["seed"] != 1) continue;
      const std::string setting = r["setting"];
      const bool match = d == 0.001 ? setting == "risk" : setting == fmt::format("risk-{:g}", d);
      if (!match) continue;
      traj.push_back(r["trajectories"].get<int>());
      err.push_back(r["heldout_error"].get<double>());
      halted += r["halted"].get<bool>();
      inexact += r["false_halt"].get<bool>();
      over += r["heldout_error"].get<double>() > d;
    }
    if (traj.empty()) continue;
    md += fmt::format("| {:g} | {} | {:g} | {} | {} | {} | {:.2g} |\n", d, traj.size(),
                      median(traj), halted, inexact, over, median(err));
  }
  md += by_behaviour(runs);
  md += fmt::format("\n{} runs in {:.0f} s.\n", runs.size(), seconds);
  return {summary, md};
}

}  // namespace carl::sweep
