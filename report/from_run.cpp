#include "report/from_run.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/naming.h"
#include "ca/rulestring.h"
#include "experiment/run_dir.h"
#include "learner/net.h"
#include "report/export.h"
#include "report/html.h"

namespace carl::report {
namespace fs = std::filesystem;

RunData run_data(const experiment::RunContents& run) {
  RunData d;
  d.name = run.config.name;
  d.config_text = run.config_text;
  d.max_trajectories = experiment::run_budget(run.config, run.trajectory_count);
  d.torus = run.config.provider.mode != ca::Boundary::window;
  d.trajectories = run.trajectory_count;
  d.provenance.fill(extractor::Provenance::unknown);
  if (run.rule) {
    const experiment::StoredRule& r = *run.rule;
    d.name = r.name;
    d.reason = r.reason;
    d.halted = r.halted;
    d.group = r.group;
    d.table = r.table;
    d.provenance = r.provenance;
    d.trajectories = r.trajectories;
    d.rounds = r.rounds;
    for (const auto& k : r.kernels) d.kernels_g.push_back(k);
    for (const auto& k : r.plain_kernels) d.kernels_plain.push_back(k);
    if (r.score) d.hidden_rule = r.score->hidden_rule;
    if (r.stated_bound >= 0)
      d.guarantee = fmt::format(
          "{} policy: at most {:.4g} of cell updates predicted wrongly (δ = {:.4g}), with "
          "confidence {:.4g}",
          r.policy, r.stated_bound, r.stated_delta, r.stated_confidence);
    else if (r.halted && !r.policy.empty())
      d.guarantee = fmt::format("{} policy: {}", r.policy, r.reason);
  } else {
    d.reason = "unfinished: no rule.json yet";
  }
  for (const experiment::RoundRecord& rec : run.rounds) {
    RoundPoint pt;
    pt.round = rec.round;
    pt.trajectories = rec.trajectories;
    pt.group = rec.group;
    pt.l1 = rec.l1;
    pt.l2 = rec.l2;
    pt.one_step = rec.one_step;
    pt.significant_orbits = rec.significant_orbits;
    pt.total_orbits = rec.total_orbits;
    pt.seconds = rec.train_seconds;
    pt.decision = rec.decision;
    if (rec.l1_plain >= 0) pt.plain_l1 = rec.l1_plain;
    if (rec.l1_group >= 0) pt.g_l1 = rec.l1_group;
    d.seconds += rec.train_seconds;
    d.round_points.push_back(pt);
  }
  if (!d.rounds) d.rounds = static_cast<int>(run.rounds.size());
  if (!run.trajectories.empty()) {
    d.last = run.trajectories.back();
    // net-0.pt: the LibTorch checkpoint of carl before 2026-11-30.
    std::string net = run.dir + "/net-0.json";
    const bool torch_checkpoint = !fs::exists(net);
    if (torch_checkpoint) net = run.dir + "/net-0.pt";
    // A net that is there but does not load is an error naming it, as any other file of the
    // run that does not read: a picture captioned with the net's rollout would leave it out. An
    // old LibTorch checkpoint that this build cannot open (no LibTorch module) is left out.
    std::optional<learner::Net> loaded;
    if (fs::exists(net)) {
      try {
        loaded.emplace(learner::Net::load(net));
      } catch (const InputError&) {
        if (!torch_checkpoint) throw;
      }
    }
    if (loaded) {
      const learner::Rollout r =
          loaded->rollout(d.last, d.torus ? ca::Boundary::torus : ca::Boundary::window);
      if (d.torus && r.frames.size() == d.last.frames.size() - 1) {
        ca::Trajectory y;
        y.frames.push_back(d.last.frames[0]);
        for (const ca::Grid& g : r.frames) y.frames.push_back(g);
        d.net_rollout = std::move(y);
      }
    }
  }
  return d;
}

std::string report_run(const std::string& run_dir) {
  const experiment::RunContents run = experiment::load_run(run_dir);
  const RunData d = run_data(run);
  const auto paths = write_report(d, run_dir);
  return paths.back();
}

int export_run(const std::string& run_dir, const ExportOptions& o) {
  if (o.golly_rule.empty() && o.rle_dir.empty() && o.gif.empty())
    throw InputError("carl export: give at least one of --golly FILE.rule, --rle DIR, --gif FILE");
  const experiment::RunContents run = experiment::load_run(run_dir);
  if (!o.golly_rule.empty()) {
    if (!run.rule)
      throw InputError(fmt::format("{}: no rule.json: the run has not finished", run_dir));
    const fs::path path(o.golly_rule);
    if (path.extension() != ".rule")
      throw InputError(
          fmt::format("--golly {}: Golly finds a rule NAME in NAME.rule", o.golly_rule));
    // Golly looks a rule up by its name in NAME.rule: a file whose stem is no rule name would
    // hold a rule Golly never finds there.
    const std::string name = golly_rule_name(path.stem().string());
    if (name != path.stem().string())
      throw InputError(fmt::format(
          "--golly {}: Golly finds a rule NAME in NAME.rule, and '{}' is no rule name (letters, "
          "digits, '-' and '_'): give {}.rule",
          printable(o.golly_rule), printable(path.stem().string()), name));
    const experiment::StoredRule& r = *run.rule;
    const RunData d = run_data(run);
    const auto n = extractor::count_by_provenance(d.provenance);
    const ca::RuleNames names = ca::rule_names(r.table);
    std::string comment = fmt::format(
        "Learned by carl from run {} ({}), group {}.\nrule: {}\nentries: {} observed, {} by "
        "symmetry, {} generalized, {} unknown\ntrajectories: {}, rounds: {}\n{}: {}",
        r.name, run_dir, r.group.name(), names.rulestring, n[0], n[1], n[2], n[3], r.trajectories,
        r.rounds, r.halted ? "halted" : "stopped", r.reason);
    if (!names.unknown.empty()) comment += "\nunknown entries: " + names.unknown;
    const GollyRule g = golly_rule_file(r.table, r.group, name, o.unknown, comment);
    ca::write_text_file(o.golly_rule, g.text);
    fmt::print("wrote {}: @RULE {} ({} transitions, symmetries {})\n", terminal_safe(o.golly_rule),
               terminal_safe(name), g.transitions, g.symmetries);
    if (g.unknown > 0)
      fmt::print(
          "  {} unknown entries, {}: {}\n", g.unknown,
          o.unknown == UnknownEntries::zero ? "written as 0" : "left out (Golly keeps the state)",
          names.unknown);
    fmt::print(
        "  run it on a W×H torus: bgolly -a RuleLoader -s {}/ -r {}:TW,H PATTERN.rle, where "
        "PATTERN.rle's header says rule = B3/S23:TW,H (bgolly reads it first: docs/golly.md); "
        "Golly: put {} in its rules folder\n",
        terminal_safe(path.has_parent_path() ? path.parent_path().string() : "."),
        terminal_safe(name), terminal_safe(o.golly_rule));
  }
  if (!o.rle_dir.empty()) {
    if (run.trajectories.empty())
      throw InputError(fmt::format("{}: no stored trajectories", run_dir));
    // The rule each frame carries: the learned one when complete; otherwise the best guess with
    // unknown entries as 0 (said in each file's comment).
    std::string rule;
    if (run.rule) {
      const ca::RuleNames names = ca::rule_names(run.rule->table);
      rule = run.rule->table.complete() ? names.rulestring : names.unknown_as_0;
    }
    if (rule.empty())
      throw InputError(
          fmt::format("{}: no rule.json, so no rule to write into the frames", run_dir));
    const bool window = run.config.provider.mode == ca::Boundary::window;
    int files = 0;
    for (std::size_t k = 0; k < run.trajectories.size(); ++k)
      files += static_cast<int>(write_frame_rles(run.trajectories[k], rule, o.rle_dir,
                                                 fmt::format("trajectory-{:03}", k), window)
                                    .size());
    fmt::print("wrote {} RLE files into {} (rule {} on the frames' torus{})\n", files,
               terminal_safe(o.rle_dir), rule,
               window ? "; the frames are windows of a larger torus, so on their own torus only "
                        "the cells away from the border evolve into the next frame"
                      : "");
  }
  if (!o.gif.empty()) {
    if (run.trajectories.empty())
      throw InputError(fmt::format("{}: no stored trajectories", run_dir));
    const int k = o.trajectory < 0 ? static_cast<int>(run.trajectories.size()) - 1 : o.trajectory;
    if (k >= static_cast<int>(run.trajectories.size()))
      throw InputError(fmt::format("--trajectory {}: the run stored {} (0 … {})", k,
                                   run.trajectories.size(), run.trajectories.size() - 1));
    write_gif(o.gif, run.trajectories[std::size_t(k)], o.gif_scale);
    fmt::print("wrote {}: trajectory {}, {} frames\n", terminal_safe(o.gif), k,
               run.trajectories[std::size_t(k)].frames.size());
  }
  return 0;
}

}  // namespace carl::report
