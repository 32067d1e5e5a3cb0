#include "experiment/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/naming.h"
#include "ca/rulestring.h"
#include "experiment/learn.h"
#include "experiment/loop.h"
#include "experiment/run_dir.h"
#include "experiment/yaml_section.h"
#include "groups/orbits.h"
#include "learner/net.h"
#include "provider/error.h"

namespace carl::experiment {
namespace fs = std::filesystem;

namespace {

// The rulestring, or for a partial table its best guesses (ca/naming.h).
std::string rulestring_or_partial(const ca::RuleTable& t) {
  if (t.complete()) return ca::emit_rule(t);
  const ca::RuleNames n = ca::rule_names(t);
  return fmt::format("{}; best guesses {} (unknown as 0), {} (unknown as 1)", n.rulestring,
                     n.unknown_as_0, n.unknown_as_1);
}

// The unknown entries, and those the revealed rule contradicts, by name ("" when none).
std::string entry_lines(const ca::RuleTable& t, const std::optional<Score>& score) {
  std::string out;
  if (!t.complete()) out += "unknown entries: " + ca::rule_names(t).unknown + "\n";
  if (score && !score->wrong_patterns.empty()) {
    std::vector<ca::Pattern> wrong(score->wrong_patterns.begin(), score->wrong_patterns.end());
    out += fmt::format("wrong entries (against {}): {}\n", score->hidden_rule,
                       ca::join_names(ca::name_entries(wrong)));
  }
  return out;
}

// One round on the terminal: the budget used (trajectories of stopping.max_trajectories) and,
// when known (seconds ≥ 0), the round's wall-clock seconds (provider, training and extraction).
std::string round_line(const RoundRecord& r, int max_trajectories, double seconds = -1) {
  return fmt::format(
      "round {:>2} | trajectories {:>2} of {} |{} G {:<4} | significant {:>3}/{:<3} | L1 {} "
      "| L2 {:.4f} | {}",
      r.round, r.trajectories, max_trajectories,
      seconds >= 0 ? fmt::format(" {:5.1f} s |", seconds) : std::string(), r.group,
      r.significant_orbits, r.total_orbits,
      r.l1 < 0 ? std::string("  -   ") : fmt::format("{:.4f}", r.l1), r.l2, r.decision);
}

int run_in(const RunDir& dir, const Config& config, const std::string& provider_exe, bool resumed) {
  Config cfg = config;
  provider::TrajectoryStore store(dir.path(), run_shape(cfg));
  std::unique_ptr<RunSource> source_ptr;
  try {
    source_ptr = std::make_unique<RunSource>(cfg, store, provider_exe);
  } catch (...) {
    if (!resumed) dir.remove();
    throw;
  }
  RunSource& source = *source_ptr;
  const int stored = source.stored();
  fmt::print("carl run {}: {} -> {}\n", cfg.name, resumed ? "resuming" : "starting",
             terminal_safe(dir.path()));
  if (resumed)
    fmt::print("  {} stored trajectories will be replayed, none asked for again\n", stored);
  if (run_budget(cfg, stored) > cfg.stopping.max_trajectories) {
    fmt::print(
        "  {} trajectories are stored, more than the budget of {}: the budget is {} for "
        "this session\n",
        stored, cfg.stopping.max_trajectories, stored);
    cfg.stopping.max_trajectories = run_budget(cfg, stored);
  }
  const bool tty = ::isatty(1);
  std::string rounds;  // rounds.jsonl, rewritten durably after each round
  LoopHooks hooks;
  auto round_start = std::chrono::steady_clock::now();
  hooks.on_round = [&](const RoundRecord& r) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - round_start).count();
    round_start = now;
    if (tty) fmt::print("\r\033[K");
    fmt::print("{}\n", round_line(r, cfg.stopping.max_trajectories, seconds));
    std::fflush(stdout);
    rounds += round_json_line(r) + "\n";
    dir.write("rounds.jsonl", rounds);
  };
  hooks.progress = [&](const std::string& s) {
    if (tty) {
      fmt::print("\r\033[K  … {}", s);
      std::fflush(stdout);
    }
  };
  Outcome o;
  try {
    o = run_loop(cfg, source, hooks, cfg.output.checkpoint ? dir.path() : "");
  } catch (...) {
    if (tty) {  // the error (printed by the caller) starts on its own line, not after "… training"
      fmt::print("\r\033[K");
      std::fflush(stdout);
    }
    // A fresh run that failed before its first trajectory leaves no directory behind.
    source_ptr.reset();  // ends the provider first
    if (!resumed && store.count() == 0) dir.remove();
    throw;
  }
  // A provider that fails to answer REVEAL (hangs, dies, reveals garbage) is reported as the
  // run's error, after the result it does not touch is written and printed.
  std::exception_ptr reveal_error;
  if (cfg.provider.allow_reveal) {
    try {
      if (auto hidden = source.reveal()) o.score = score_against(o.rule.table, *hidden);
    } catch (const InputError&) {
      reveal_error = std::current_exception();
    }
  }
  dir.write("rule.json", rule_json_text(cfg, o));
  const auto n = o.rule.count_by_provenance();
  std::string txt =
      fmt::format("rule: {}\ngroup: {}\nreason: {}\ntrajectories: {}\nentries: {}\n{}\n{}",
                  rulestring_or_partial(o.rule.table), o.rule.group.name(), o.reason,
                  o.trajectories, extractor::entries_text(n), entry_lines(o.rule.table, o.score),
                  render_orbits(o.rule.table, o.rule.group));
  dir.write("rule.txt", txt);

  fmt::print("{}: {}\n", o.halted ? "halted" : "stopped", o.reason);
  fmt::print("rule: {} (group {}; {})\n", rulestring_or_partial(o.rule.table), o.rule.group.name(),
             extractor::entries_text(n));
  fmt::print("trajectories used: {} ({} stored before this run, {} asked of the provider)\n",
             o.trajectories, stored, source.fresh());
  // A certified run that ran out of budget with guesses never shown: the provider may never show
  // them (a dying, still or shifting rule in sparse soups), which no budget mends.
  if (!o.halted && cfg.stopping.policy == extractor::Policy::certified && n[0] < ca::kPatternCount)
    fmt::print(
        "unproven: {} entries no trajectory showed ({} by symmetry or an inferred support, {} "
        "generalized, {} unknown); where the provider rarely shows such neighbourhoods, "
        "stopping.policy: risk halts with a stated bound on what they can cost "
        "(docs/halting.md)\n",
        ca::kPatternCount - n[0], n[1], n[2], n[3]);
  // Data that contradict themselves where the config promised none: say so, since the loop then
  // judges them as noisy data.
  if (cfg.provider.noise == 0 && !o.records.empty() && o.records.back().noise_rate > 0)
    fmt::print(
        "data: {:.3g} of the observed updates go against their pattern's majority, though "
        "provider.noise is 0: the provider's frames are noisy, or they are not one deterministic "
        "3x3 rule (judged as noisy data)\n",
        o.records.back().noise_rate);
  if (o.score)
    fmt::print("score against the revealed hidden rule {}: {}\n", o.score->hidden_rule,
               o.score->exact
                   ? "exact, all 512 entries right"
                   : fmt::format("{} wrong, {} unknown entries", o.score->wrong, o.score->unknown));
  fmt::print("{}", entry_lines(o.rule.table, o.score));
  fmt::print("run directory: {} (carl inspect {})\n", terminal_safe(dir.path()),
             terminal_safe(dir.path()));
  if (reveal_error) std::rethrow_exception(reveal_error);
  return o.halted ? 0 : 1;
}

}  // namespace

std::string render_orbits(const ca::RuleTable& table, groups::Subgroup group, int per_row) {
  const groups::Orbits orbits(group);
  std::string out;
  for (int start = 0; start < orbits.count(); start += per_row) {
    const int end = std::min(orbits.count(), start + per_row);
    for (int line = 0; line < 4; ++line) {
      std::string row;
      for (int o = start; o < end; ++o) {
        const ca::Pattern p = orbits.representative(o);
        if (line < 3) {
          for (int c = 0; c < 3; ++c) row += ca::pattern_cell(p, line, c) ? '#' : '.';
        } else {
          row += table.known(p) ? (table.output(p) ? "=1 " : "=0 ") : "=? ";
        }
        row += "  ";
      }
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row + "\n";
    }
    out += "\n";
  }
  return out;
}

namespace {
// A device this machine lacks is refused before a run starts, naming the config's line (the
// config itself is read on machines without it too: carl inspect, report), before a run
// directory is made or a provider started.
void check_device(const Config& cfg, const std::string& text, const std::string& config_file) {
  try {
    learner::resolve_device(cfg.learner.device);
  } catch (const InputError& e) {
    const YAML::Node device = load_yaml(text, config_file)["learner"]["device"];
    const std::string line = device ? fmt::format(":{}", device.Mark().line + 1) : "";
    throw InputError(fmt::format("{}{}: learner.device: {}", config_file, line, e.what()));
  }
}
}  // namespace

int run_experiment(const std::string& config_path, const std::string& provider_exe,
                   std::string* run_dir) {
  const ConfigFile file = read_config_file(config_path);
  const std::string& text = file.text;
  const Config& cfg = file.config;
  check_device(cfg, file.as_read, config_path);
  const RunDir dir = RunDir::create(cfg.output.runs_dir, cfg.name);
  try {
    dir.write_config(text);
  } catch (...) {
    dir.remove();
    throw;
  }
  if (run_dir) *run_dir = dir.path();
  return run_in(dir, cfg, provider_exe, false);
}

int resume_experiment(const std::string& run_dir, const std::string& provider_exe,
                      const ResumeOptions& options) {
  return resume_experiment(RunDir::open_for_writing(run_dir), provider_exe, options);
}

int resume_experiment(const RunDir& dir, const std::string& provider_exe,
                      const ResumeOptions& options) {
  const std::string text = dir.read_config();
  Config cfg = parse_config(text, dir.file("config.yaml"));
  check_device(cfg, text, dir.file("config.yaml"));
  // A config given with --resume must run as the stored one does: a resumed run continues its
  // trajectories with its own settings, so a different config is refused rather than ignored.
  // Only provider.timeout may differ: how long to wait for a reply changes no trajectory, and a
  // run stopped by a provider too slow for it would otherwise never continue.
  if (!options.config.empty()) {
    Config mine = load_config(options.config);
    if (mine.provider.timeout_s != cfg.provider.timeout_s) {
      fmt::print(
          "carl run --resume: provider.timeout {} s from {} for this session (the run's "
          "config says {} s)\n",
          mine.provider.timeout_s, terminal_safe(options.config), cfg.provider.timeout_s);
      cfg.provider.timeout_s = mine.provider.timeout_s;
    }
    // The budget may change too: a run stopped on its budget continues with a larger one, its
    // trajectories kept (a resumed run replays them all, whatever the budget), and each
    // trajectory asked for now is one request, whatever the budget was. Not a carl learn run's:
    // its budget is its recordings, and its provider a stand-in that has no more.
    if (mine.stopping.max_trajectories != cfg.stopping.max_trajectories) {
      if (is_learn_run(cfg))
        throw InputError(fmt::format(
            "{}: stopping.max_trajectories is {} in the run but {} in {}; a carl learn run's "
            "budget is its recordings: learn from more in a fresh run",
            dir.file("config.yaml"), cfg.stopping.max_trajectories, mine.stopping.max_trajectories,
            options.config));
      fmt::print(
          "carl run --resume: stopping.max_trajectories {} from {} for this session (the run's "
          "config says {})\n",
          mine.stopping.max_trajectories, terminal_safe(options.config),
          cfg.stopping.max_trajectories);
      cfg.stopping.max_trajectories = mine.stopping.max_trajectories;
    }
    const ConfigDifference d = config_difference(cfg, mine, /*ignore_placement=*/true);
    if (!d.key.empty())
      throw InputError(fmt::format(
          "{}: {} is {} in the run but {} in {}; a resumed run keeps its stored config (resume "
          "with that config or none)",
          dir.file("config.yaml"), d.key, d.a.empty() ? "not set" : d.a,
          d.b.empty() ? "not set" : d.b, options.config));
  }
  const auto& command = cfg.provider.command;
  if (!command.empty()) {
    // The stored config names a program to run: an untrusted run directory must not run one.
    // Equal to the config the user gives, it is the user's own.
    fmt::print("carl run --resume: the provider command stored in {} is {}\n",
               terminal_safe(dir.file("config.yaml")), command_text(command));
    if (!options.trust_provider && options.config.empty())
      throw InputError(fmt::format(
          "{}: provider.command {} would be run; give the config you trust (carl run CONFIG "
          "--resume DIR) or pass --trust-provider",
          dir.file("config.yaml"), command_text(command)));
  }
  return run_in(dir, cfg, provider_exe, true);
}

int inspect_run(const std::string& run_dir, const std::optional<std::string>& against) {
  const std::optional<ca::RuleTable> other =
      against ? std::optional(ca::parse_rule(*against)) : std::nullopt;
  // The trajectories only to say how often the data showed each entry that differs.
  const RunContents run = load_run(run_dir, /*with_trajectories=*/other.has_value());
  if (!run.rule)
    throw InputError(fmt::format("{}/rule.json: missing (the run has not finished)", run_dir));
  const StoredRule& r = *run.rule;
  const ca::RuleTable& table = r.table;
  const groups::Subgroup group = r.group;
  const auto& pc = r.provenance_counts;
  fmt::print("run {}: {}\n", r.name, r.halted ? "halted" : "stopped");
  fmt::print("reason: {}\n", r.reason);
  fmt::print("group: {}\nrule: {}\n", group.name(), rulestring_or_partial(table));
  fmt::print("entries: {}\n", extractor::entries_text(pc));
  fmt::print("trajectories: {}, rounds: {}\n", r.trajectories, r.rounds);
  if (r.score)
    fmt::print("score: {} against {}\n",
               r.score->exact ? "exact" : fmt::format("{} wrong", r.score->wrong),
               r.score->hidden_rule);
  fmt::print("\nrounds:\n");
  for (const RoundRecord& rec : run.rounds)
    fmt::print("  {}\n", round_line(rec, run_budget(run.config, run.trajectory_count)));
  fmt::print("\nrule table by {} orbit (representative, then =output):\n\n{}", group.name(),
             render_orbits(table, group));
  if (other) {
    const auto [wrong, unknown] = ca::compare(table, *other);
    const std::size_t differ = wrong.size() + unknown.size();
    // By name: Hensel classes (B6k, S8) where whole p4m orbits differ, 3×3 pictures otherwise.
    std::string lines;
    if (!wrong.empty())
      lines += fmt::format("  wrong ({} entries): {}\n", wrong.size(),
                           ca::join_names(ca::name_entries(wrong)));
    if (!unknown.empty())
      lines += fmt::format("  unknown ({} entries): {}\n", unknown.size(),
                           ca::join_names(ca::name_entries(unknown)));
    fmt::print("against {}: {} of 512 entries differ{}\n{}", ca::emit_rule(*other), differ,
               differ ? ":" : "", lines);
    // Each one with what it rests on: its provenance, and its own updates in the stored data.
    if (differ > 0) {
      // The trajectories the run used (carl learn stores every recording up front).
      const std::size_t used = std::min(run.trajectories.size(), std::size_t(r.trajectories));
      ca::PatternCounts seen;
      for (std::size_t k = 0; k < used; ++k)
        seen += ca::count_patterns(run.trajectories[k], run.config.provider.mode);
      std::vector<ca::Pattern> each(wrong.begin(), wrong.end());
      each.insert(each.end(), unknown.begin(), unknown.end());
      std::sort(each.begin(), each.end());
      constexpr std::size_t kListed = 32;
      fmt::print(
          "  each (learned, against; provenance; its updates to 0 and to 1 in the {} "
          "trajectories the run used):\n",
          used);
      for (std::size_t k = 0; k < std::min(each.size(), kListed); ++k) {
        const ca::Pattern q = each[k];
        fmt::print("    {}: {}, {}; {}; {} to 0, {} to 1\n", ca::pattern_picture(q),
                   table.known(q) ? std::to_string(int(table.output(q))) : std::string("?"),
                   int(other->output(q)), choice_name(r.provenance[std::size_t(q)]), seen.n[q][0],
                   seen.n[q][1]);
      }
      if (each.size() > kListed) fmt::print("    … and {} more\n", each.size() - kListed);
    }
    return differ == 0 ? 0 : 1;
  }
  return 0;
}

}  // namespace carl::experiment
