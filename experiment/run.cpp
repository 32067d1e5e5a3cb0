#include "experiment/run.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ca/error.h"
#include "ca/naming.h"
#include "ca/rulestring.h"
#include "ca/text_file.h"
#include "experiment/loop.h"
#include "groups/orbits.h"

namespace carl::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

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

json round_json(const RoundRecord& r) {
  return json{{"round", r.round},
              {"trajectories", r.trajectories},
              {"group", r.group},
              {"symmetry", r.symmetry},
              {"significant_orbits", r.significant_orbits},
              {"total_orbits", r.total_orbits},
              {"known_entries", r.known_entries},
              {"l1", r.l1},
              {"l2", r.l2},
              {"one_step", r.one_step},
              {"train_steps", r.train_steps},
              {"converged", r.converged},
              {"seconds", r.train_seconds},
              {"certify_error", r.certify_error < 0 ? json(nullptr) : json(r.certify_error)},
              {"decision", r.decision}};
}

std::string round_line(const RoundRecord& r) {
  return fmt::format(
      "round {:>2} | trajectories {:>2} | G {:<4} | significant {:>3}/{:<3} | L1 "
      "{:.4f} | L2 {:.4f} | {}",
      r.round, r.trajectories, r.group, r.significant_orbits, r.total_orbits, r.l1, r.l2,
      r.decision);
}

json rule_json(const Config& cfg, const Outcome& o) {
  json entries = json::array();
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const bool known = o.rule.table.known(ca::Pattern(p));
    entries.push_back(
        {{"pattern", p},
         {"output", known ? json(int(o.rule.table.output(ca::Pattern(p)))) : json(nullptr)},
         {"provenance", extractor::name(o.rule.provenance[static_cast<std::size_t>(p)])}});
  }
  const auto n = o.rule.count_by_provenance();
  json j = {
      {"name", cfg.name},
      {"halted", o.halted},
      {"reason", o.reason},
      {"group", o.rule.group.name()},
      {"complete", o.rule.table.complete()},
      {"rulestring", o.rule.table.complete() ? json(ca::emit_rule(o.rule.table)) : json(nullptr)},
      {"trajectories", o.trajectories},
      {"rounds", o.rounds},
      {"provenance_counts",
       {{"observed", n[0]}, {"symmetry", n[1]}, {"generalized", n[2]}, {"unknown", n[3]}}},
      {"entries", entries},
      {"first_layer_kernels", o.kernels}};
  if (o.score)
    j["score"] = {{"hidden_rule", o.score->hidden_rule},
                  {"exact", o.score->exact},
                  {"wrong", o.score->wrong},
                  {"unknown", o.score->unknown},
                  {"wrong_patterns", o.score->wrong_patterns}};
  else
    j["score"] = nullptr;
  return j;
}

// The run directory for a fresh run: runs/<name>, or the first free <name>-k.
fs::path fresh_run_dir(const Config& cfg) {
  const fs::path base = fs::path(cfg.output.runs_dir) / cfg.name;
  if (!fs::exists(base)) return base;
  for (int k = 2;; ++k) {
    const fs::path p = fs::path(cfg.output.runs_dir) / fmt::format("{}-{}", cfg.name, k);
    if (!fs::exists(p)) return p;
  }
}

int run_in(const fs::path& dir, const Config& cfg, const std::string& provider_exe, bool resumed) {
  provider::TrajectoryStore store(dir.string());
  RunSource source(cfg, store, provider_exe);
  const int stored = source.stored();
  fmt::print("carl run {}: {} -> {}\n", cfg.name, resumed ? "resuming" : "starting", dir.string());
  if (resumed)
    fmt::print("  {} stored trajectories will be replayed, none asked for again\n", stored);
  const bool tty = ::isatty(1);
  std::ofstream rounds(dir / "rounds.jsonl", std::ios::trunc);
  LoopHooks hooks;
  hooks.on_round = [&](const RoundRecord& r) {
    if (tty) fmt::print("\r\033[K");
    fmt::print("{}\n", round_line(r));
    std::fflush(stdout);
    rounds << round_json(r).dump() << "\n";
    rounds.flush();
  };
  hooks.progress = [&](const std::string& s) {
    if (tty) {
      fmt::print("\r\033[K  … {}", s);
      std::fflush(stdout);
    }
  };
  Outcome o = run_loop(cfg, source, hooks, cfg.output.checkpoint ? dir.string() : "");
  if (cfg.provider.allow_reveal) {
    if (auto hidden = source.reveal()) o.score = score_against(o.rule.table, *hidden);
  }
  ca::write_text_file((dir / "rule.json").string(), rule_json(cfg, o).dump(1) + "\n");
  const auto n = o.rule.count_by_provenance();
  std::string txt = fmt::format(
      "rule: {}\ngroup: {}\nreason: {}\ntrajectories: {}\nentries: {} observed, {} by symmetry, "
      "{} generalized, {} unknown\n{}\n{}",
      rulestring_or_partial(o.rule.table), o.rule.group.name(), o.reason, o.trajectories, n[0],
      n[1], n[2], n[3], entry_lines(o.rule.table, o.score),
      render_orbits(o.rule.table, o.rule.group));
  ca::write_text_file((dir / "rule.txt").string(), txt);

  fmt::print("{}: {}\n", o.halted ? "halted" : "stopped", o.reason);
  fmt::print("rule: {} (group {}; {} observed, {} by symmetry, {} generalized, {} unknown)\n",
             rulestring_or_partial(o.rule.table), o.rule.group.name(), n[0], n[1], n[2], n[3]);
  fmt::print("trajectories asked: {} ({} stored before this run)\n", o.trajectories, stored);
  if (o.score)
    fmt::print("score against the revealed hidden rule {}: {}\n", o.score->hidden_rule,
               o.score->exact
                   ? "exact, all 512 entries right"
                   : fmt::format("{} wrong, {} unknown entries", o.score->wrong, o.score->unknown));
  fmt::print("{}", entry_lines(o.rule.table, o.score));
  fmt::print("run directory: {} (carl inspect {})\n", dir.string(), dir.string());
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

int run_experiment(const std::string& config_path, const std::string& provider_exe) {
  const Config cfg = load_config(config_path);
  const fs::path dir = fresh_run_dir(cfg);
  fs::create_directories(dir);
  ca::write_text_file((dir / "config.yaml").string(), ca::read_text_file(config_path));
  return run_in(dir, cfg, provider_exe, false);
}

int resume_experiment(const std::string& run_dir, const std::string& provider_exe) {
  const fs::path dir(run_dir);
  if (!fs::exists(dir / "config.yaml"))
    throw InputError(fmt::format("{}: not a run directory (no config.yaml)", run_dir));
  Config cfg = parse_config(ca::read_text_file((dir / "config.yaml").string()),
                            (dir / "config.yaml").string());
  return run_in(dir, cfg, provider_exe, true);
}

int inspect_run(const std::string& run_dir, const std::string& against) {
  const fs::path dir(run_dir);
  const std::string path = (dir / "rule.json").string();
  json j;
  try {
    j = json::parse(ca::read_text_file(path));
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
  ca::RuleTable table;
  for (const auto& e : j.at("entries"))
    if (!e.at("output").is_null())
      table.set(ca::Pattern(e.at("pattern").get<int>()), e.at("output").get<int>() != 0);
  const groups::Subgroup group = groups::Subgroup::parse(j.at("group").get<std::string>());
  const auto& pc = j.at("provenance_counts");
  fmt::print("run {}: {}\n", j.at("name").get<std::string>(),
             j.at("halted").get<bool>() ? "halted" : "stopped");
  fmt::print("reason: {}\n", j.at("reason").get<std::string>());
  fmt::print("group: {}\nrule: {}\n", group.name(), rulestring_or_partial(table));
  fmt::print("entries: {} observed, {} by symmetry, {} generalized, {} unknown\n",
             pc.at("observed").get<int>(), pc.at("symmetry").get<int>(),
             pc.at("generalized").get<int>(), pc.at("unknown").get<int>());
  fmt::print("trajectories: {}, rounds: {}\n", j.at("trajectories").get<int>(),
             j.at("rounds").get<int>());
  if (!j.at("score").is_null())
    fmt::print("score: {} against {}\n",
               j["score"]["exact"].get<bool>()
                   ? "exact"
                   : fmt::format("{} wrong", j["score"]["wrong"].get<int>()),
               j["score"]["hidden_rule"].get<std::string>());
  fmt::print("\nrounds:\n");
  std::ifstream rounds(dir / "rounds.jsonl");
  for (std::string line; std::getline(rounds, line);) {
    const json r = json::parse(line, nullptr, false);
    if (r.is_discarded()) continue;
    RoundRecord rec;
    rec.round = r.value("round", 0);
    rec.trajectories = r.value("trajectories", 0);
    rec.group = r.value("group", "");
    rec.significant_orbits = r.value("significant_orbits", 0);
    rec.total_orbits = r.value("total_orbits", 0);
    rec.l1 = r.value("l1", 0.0);
    rec.l2 = r.value("l2", 0.0);
    rec.decision = r.value("decision", "");
    fmt::print("  {}\n", round_line(rec));
  }
  fmt::print("\nrule table by {} orbit (representative, then =output):\n\n{}", group.name(),
             render_orbits(table, group));
  if (!against.empty()) {
    const ca::RuleTable other = ca::parse_rule(against);
    int differ = 0;
    std::vector<ca::Pattern> wrong, unknown;
    for (int p = 0; p < ca::kPatternCount; ++p) {
      const ca::Pattern q = ca::Pattern(p);
      if (table.known(q) && table.output(q) == other.output(q)) continue;
      ++differ;
      (table.known(q) ? wrong : unknown).push_back(q);
    }
    // By name: Hensel classes (B6k, S8) where whole p4m orbits differ, 3×3 pictures otherwise.
    std::string lines;
    if (!wrong.empty())
      lines += fmt::format("  wrong ({} entries): {}\n", wrong.size(),
                           ca::join_names(ca::name_entries(wrong)));
    if (!unknown.empty())
      lines += fmt::format("  unknown ({} entries): {}\n", unknown.size(),
                           ca::join_names(ca::name_entries(unknown)));
    fmt::print("against {}: {} of 512 entries differ{}\n{}", ca::emit_rule(other), differ,
               differ ? ":" : "", lines);
    return differ == 0 ? 0 : 1;
  }
  return 0;
}

}  // namespace carl::experiment
