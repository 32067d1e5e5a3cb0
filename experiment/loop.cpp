#include "experiment/loop.h"

#include <chrono>

#include "ca/error.h"
#include "ca/rulestring.h"
#include "groups/invariance.h"
#include "learner/committee.h"
#include "learner/symmetry.h"

namespace carl::experiment {

// ---------------------------------------------------------------------------------------------
RunSource::RunSource(const Config& config, provider::TrajectoryStore store, std::string exe)
    : config_(config), store_(std::move(store)), provider_exe_(std::move(exe)) {
  stored_ = store_.load();
}

RunSource::~RunSource() = default;

provider::TrajectorySource& RunSource::live(int first_index) {
  if (live_) return *live_;
  const auto& p = config_.provider;
  provider::ClientOptions options;
  options.timeout_s = p.timeout_s;
  if (!p.command.empty() && p.protocol == "rle") {
    live_ = std::make_unique<provider::RleCommandSource>(p.command, p.mode, options);
  } else {
    std::vector<std::string> argv = p.command;
    if (argv.empty()) {
      argv = {provider_exe_,
              "--rule",
              p.rule,
              "--height",
              std::to_string(p.height),
              "--width",
              std::to_string(p.width),
              "--steps",
              std::to_string(p.steps),
              "--density",
              fmt::format("{}", p.density),
              "--noise",
              fmt::format("{}", p.noise),
              "--mode",
              p.mode,
              "--world-scale",
              std::to_string(p.world_scale),
              "--seed",
              std::to_string(p.seed),
              "--start-index",
              std::to_string(first_index)};
      if (p.allow_reveal) argv.push_back("--allow-reveal");
    }
    live_ = std::make_unique<provider::Client>(argv, options);
  }
  live_->start_at(first_index);
  return *live_;
}

provider::Shape RunSource::shape() const {
  if (!stored_.empty()) {
    const auto& f = stored_.front();
    return {f.frames[0].height(), f.frames[0].width(), f.steps(), config_.provider.mode};
  }
  if (live_) return live_->shape();
  return {config_.provider.height, config_.provider.width, config_.provider.steps,
          config_.provider.mode};
}

std::optional<std::string> RunSource::reveal() {
  if (!config_.provider.command.empty() && config_.provider.protocol == "rle") return std::nullopt;
  return live(stored()).reveal();
}

ca::Trajectory RunSource::fetch(int index) {
  if (index < stored()) return stored_[static_cast<std::size_t>(index)];
  ca::Trajectory t = live(index).next();
  store_.save(t, index);  // on disk and synced before anything uses it
  ++fresh_;
  return t;
}

// ---------------------------------------------------------------------------------------------
Score score_against(const ca::RuleTable& learned, const std::string& hidden_rulestring) {
  Score s;
  s.hidden_rule = hidden_rulestring;
  const ca::RuleTable hidden = ca::parse_rule(hidden_rulestring);
  for (int p = 0; p < ca::kPatternCount; ++p) {
    if (!learned.known(ca::Pattern(p))) {
      ++s.unknown;
    } else if (learned.output(ca::Pattern(p)) != hidden.output(ca::Pattern(p))) {
      ++s.wrong;
      s.wrong_patterns.push_back(p);
    }
  }
  s.exact = s.wrong == 0 && s.unknown == 0;
  return s;
}

namespace {

double mean_rule_loss(const ca::RuleTable& r, const std::vector<ca::Trajectory>& data,
                      ca::Boundary b, bool one_step) {
  long wrong = 0, cells = 0;
  for (const auto& t : data) {
    const auto x =
        one_step ? extractor::one_step_errors(r, t, b) : extractor::rule_rollout(r, t, b);
    wrong += x.wrong_cells;
    cells += x.cells;
  }
  return cells ? double(wrong) / double(cells) : 0.0;
}

}  // namespace

Outcome run_loop(const Config& cfg, provider::TrajectorySource& source, const LoopHooks& hooks,
                 const std::string& checkpoint_dir) {
  const auto& ls = cfg.learner;
  const auto& so = cfg.stopping;
  const ca::Boundary boundary =
      cfg.provider.mode == "window" ? ca::Boundary::window : ca::Boundary::torus;
  auto note = [&](const std::string& s) {
    if (hooks.progress) hooks.progress(s);
  };
  learner::set_threads(1);

  Outcome out;
  std::vector<ca::Trajectory> data;
  ca::PatternCounts counts;
  auto take = [&](ca::Trajectory t) {
    counts.add(t, boundary);
    data.push_back(std::move(t));
  };
  take(source.next());

  learner::Committee committee(ls.net, groups::Subgroup(), ls.committee, ls.seed, ls.device);
  groups::Subgroup group;  // p1 until detection
  learner::SymmetryOptions sym;
  sym.min_evidence = ls.min_evidence;

  for (int round = 0;; ++round) {
    RoundRecord rec;
    rec.round = round;
    rec.trajectories = static_cast<int>(data.size());
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<learner::TrainReport> reports;

    // Choose G: in round 0 from a trained plain committee; later from the data, so that G can
    // only follow the evidence (it shrinks as soon as the data contradict it).
    learner::SymmetryVerdict verdict;
    if (round == 0) {
      note(fmt::format("training the plain committee ({} nets)", committee.size()));
      reports = committee.train(counts, ls.train);
      verdict = learner::detect_symmetry(ls.symmetry, counts, &committee.members().front(), sym);
    } else {
      const bool fixed = ls.symmetry.rfind("fixed:", 0) == 0;
      verdict = learner::detect_symmetry(fixed ? ls.symmetry : "data", counts, nullptr, sym);
      if (!fixed && ls.symmetry != "data" &&
          groups::is_invariant(groups::forced_table(counts), group))
        verdict.group = group;  // the round-0 detector's choice stands while the data allow it
    }
    rec.symmetry = verdict.summary();
    if (round == 0 || verdict.group != group) {
      group = verdict.group;
      committee.transfer_to(group);
    }
    note(fmt::format("training the {} committee on {} trajectories", group.name(), data.size()));
    reports = committee.train(counts, ls.train);
    rec.train_steps = reports.front().steps;
    rec.converged = true;
    for (const auto& r : reports) rec.converged = rec.converged && r.converged;

    const auto rule =
        extractor::extract(committee.predictions(), group, counts, cfg.extractor.significance);
    if (hooks.on_rule) hooks.on_rule(rule);
    rec.group = group.name();
    rec.significant_orbits = rule.significant_orbits;
    rec.total_orbits = rule.total_orbits;
    rec.known_entries = static_cast<int>(rule.table.known_count());
    {
      long wrong = 0, cells = 0;
      for (const auto& t : data) {
        const auto r = committee.members().front().rollout(t, boundary);
        cells += r.cells;
        wrong += r.wrong_cells;
      }
      rec.l1 = cells ? double(wrong) / double(cells) : 0.0;
    }
    rec.l2 = mean_rule_loss(rule.table, data, boundary, false);
    rec.one_step = mean_rule_loss(rule.table, data, boundary, true);
    rec.train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!checkpoint_dir.empty())
      for (int k = 0; k < committee.size(); ++k)
        committee.members()[static_cast<std::size_t>(k)].save(
            fmt::format("{}/net-{}.pt", checkpoint_dir, k));

    out.rule = rule;
    out.rounds = round + 1;
    out.kernels.clear();
    for (const auto& k : committee.members().front().first_layer_kernels()) {
      std::array<double, 9> flat{};
      for (int i = 0; i < 9; ++i) flat[std::size_t(i)] = k(i / 3, i % 3);
      out.kernels.push_back(flat);
    }
    const int asked = static_cast<int>(data.size());
    const bool budget_left = asked < so.max_trajectories && round + 1 < so.max_rounds;
    std::string reason;
    if (so.policy == "certified") {
      if (!budget_left) {
        reason = "budget: no trajectories or rounds left";
      } else {
        ca::Trajectory fresh = source.next();
        if (rule.table.complete()) {
          const auto judged = so.certify_on == "one_step"
                                  ? extractor::one_step_errors(rule.table, fresh, boundary)
                                  : extractor::rule_rollout(rule.table, fresh, boundary);
          rec.certify_error = judged.loss;
          int unverified = 0;
          if (so.verify_generalized) {
            const ca::PatternCounts seen = ca::count_patterns(fresh, boundary);
            for (int p = 0; p < ca::kPatternCount; ++p)
              unverified += rule.provenance[static_cast<std::size_t>(p)] ==
                                extractor::Provenance::generalized &&
                            !seen.observed(ca::Pattern(p));
          }
          if (judged.loss <= so.tolerance && unverified > 0)
            rec.decision = fmt::format("request ({} generalized entries untested)", unverified);
          if (judged.loss <= so.tolerance && unverified == 0) {
            out.halted = true;
            reason = fmt::format(
                "certified: the complete rule predicted trajectory {}, which it "
                "had not trained on, with error {:.3g} (tolerance {:.3g})",
                asked, judged.loss, so.tolerance);
          }
        }
        if (!out.halted) {
          if (rec.decision.empty())
            rec.decision = rule.table.complete() ? "request (certification failed)"
                                                 : "request (rule incomplete)";
          take(std::move(fresh));
        }
      }
    } else {
      const auto d = extractor::seed_policy(so, rec.l1, rec.l2);
      if (d == extractor::Decision::halt) {
        out.halted = true;
        reason = fmt::format("L2 = {:.3g} <= epsilon = {:.3g}", rec.l2, so.epsilon);
      } else if (!budget_left) {
        reason = "budget: no trajectories or rounds left";
      } else if (d == extractor::Decision::request) {
        rec.decision = "request";
        take(source.next());
      } else {
        rec.decision = "train on";
      }
    }
    if (!reason.empty()) rec.decision = out.halted ? "halt" : "stop";
    out.records.push_back(rec);
    if (hooks.on_round) hooks.on_round(rec);
    if (!reason.empty()) {
      out.reason = reason;
      break;
    }
  }
  out.trajectories = source.requests();
  return out;
}

}  // namespace carl::experiment
