#include "experiment/loop.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "groups/invariance.h"
#include "groups/orbits.h"
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
  options.expect = provider::Shape{p.height, p.width, p.steps, p.mode};  // greeting vs config
  if (!p.command.empty() && p.protocol == ProviderProtocol::rle) {
    live_ = std::make_unique<provider::RleCommandSource>(p.command, p.mode, options);
  } else {
    std::vector<std::string> argv = p.command;
    if (argv.empty()) {
      argv = provider::parameter_arguments(p);
      argv.insert(argv.begin(), provider_exe_);
      argv.push_back("--start-index");
      argv.push_back(std::to_string(first_index));
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
  if (!config_.provider.command.empty() && config_.provider.protocol == ProviderProtocol::rle)
    return std::nullopt;
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
  const ca::TableComparison c = ca::compare(learned, ca::parse_rule(hidden_rulestring));
  s.wrong = static_cast<int>(c.wrong.size());
  s.unknown = static_cast<int>(c.unknown.size());
  s.wrong_patterns.assign(c.wrong.begin(), c.wrong.end());
  s.exact = c.exact();
  return s;
}

namespace {

// Under noise, the data's separate updates (extractor/misreads.h) under one partition into
// classes. They add up over trajectories, so each trajectory's are kept while the classes stay
// those they were counted under, and a round counts only the new trajectories'.
class SeparateUpdatesOf {
 public:
  extractor::NoisyData noisy_data(const std::vector<ca::Trajectory>& data,
                                  const groups::Orbits& classes, ca::Boundary boundary,
                                  double misread_rate) {
    const auto key = std::make_pair(classes.group().name(), classes.ignored());
    if (key != key_) per_trajectory_.clear();
    key_ = key;
    while (per_trajectory_.size() < data.size())
      per_trajectory_.push_back(
          extractor::separate_updates({&data[per_trajectory_.size()]}, classes, boundary));
    extractor::NoisyData noisy{misread_rate,
                               extractor::SeparateUpdates(std::size_t(classes.count()), {0, 0})};
    for (const auto& per : per_trajectory_) extractor::add(noisy.separate, per);
    return noisy;
  }

 private:
  std::pair<std::string, groups::CellMask> key_;
  std::vector<extractor::SeparateUpdates> per_trajectory_;
};

double mean_rule_loss(const ca::RuleTable& r, const std::vector<ca::Trajectory>& data,
                      ca::Boundary b, bool one_step) {
  return ca::pooled_loss(data, [&](const ca::Trajectory& t) {
    return one_step ? extractor::one_step_errors(r, t, b) : extractor::rule_rollout(r, t, b);
  });
}

// L1 of a net over all trajectories: its hard rollout from x_0 against x_1 … x_T.
double net_loss(const learner::Net& net, const std::vector<ca::Trajectory>& data, ca::Boundary b) {
  return ca::pooled_loss(data, [&](const ca::Trajectory& t) { return net.rollout(t, b); });
}

// The share of observations that disagree with their pattern's majority next state.
double noise_rate(const ca::PatternCounts& counts) {
  const std::uint64_t n = counts.transitions();
  std::uint64_t minority = 0;
  for (int p = 0; p < ca::kPatternCount; ++p)
    minority += std::min(counts.n[std::size_t(p)][0], counts.n[std::size_t(p)][1]);
  return n ? double(minority) / double(n) : 0.0;
}

// The largest proper subgroup of g (ties: the first in Subgroup::all()).
groups::Subgroup largest_proper_subgroup(groups::Subgroup g) {
  groups::Subgroup best;
  for (const groups::Subgroup& h : groups::Subgroup::all()) {
    if (h.order() >= g.order() || h.order() <= best.order()) continue;
    bool inside = true;
    for (groups::Symmetry e : h.elements()) inside = inside && g.contains(e);
    if (inside) best = h;
  }
  return best;
}

// The cells the rule ignores, from the data, made G-invariant. The plain net's kernels are not
// asked: without a sparsity penalty in its training, a cell the rule ignores keeps weights of the
// same size as the others.
std::uint16_t detect_ignored_cells(const ca::PatternCounts& counts, groups::Subgroup group,
                                   const learner::SymmetryOptions& options) {
  const groups::CellMask ignored = learner::detect_support(counts, group, options, nullptr).ignored;
  // Each ignored cell was checked on its own pairs; the classes close over G and every ignored
  // cell together, which can join patterns never compared directly. Keep them only if no class
  // holds observed patterns with different (unambiguous) next states.
  if (!groups::is_invariant(groups::forced_table(counts), groups::Orbits(group, ignored))) return 0;
  return ignored;
}

// Whether noise-free data fix every entry under `classes`: each class holds an observed pattern,
// and the observed patterns of a class all show the same single next state.
bool data_determine_table(const ca::PatternCounts& counts, const groups::Orbits& classes) {
  for (int o = 0; o < classes.count(); ++o) {
    bool seen[2] = {false, false};
    for (ca::Pattern q : classes.members(o)) {
      seen[0] = seen[0] || counts.n[q][0] > 0;
      seen[1] = seen[1] || counts.n[q][1] > 0;
    }
    if (seen[0] == seen[1]) return false;  // unobserved, or two next states
  }
  return true;
}

}  // namespace

Outcome run_loop(const Config& cfg, provider::TrajectorySource& source, const LoopHooks& hooks,
                 const std::string& checkpoint_dir) {
  const auto& ls = cfg.learner;
  const auto& so = cfg.stopping;
  const ca::Boundary boundary = cfg.provider.mode;
  auto note = [&](const std::string& s) {
    if (hooks.progress) hooks.progress(s);
  };
  learner::set_threads(1);
  const auto policy = extractor::make_policy(so);

  Outcome out;
  out.policy = policy->name();
  out.delta = so.delta;
  std::vector<ca::Trajectory> data;
  // Under noise: under the classes in use, and under the orbits of G alone when the classes
  // merge them over ignored cells.
  SeparateUpdatesOf separate_of_classes, separate_of_orbits, separate_of_patterns;
  ca::PatternCounts counts;
  std::vector<ca::PatternCounts> per_trajectory;
  extractor::GuessTests guesses;
  std::optional<extractor::ExtractedRule> last_rule;
  long prequential_wrong = 0, prequential_cells = 0;
  // The number (file) of each trajectory in `data`.
  std::vector<int> numbers;
  // A trajectory frame for frame the same as one already taken adds no evidence: it is set aside,
  // neither trained on nor counted among the trajectories seen (the risk bound counts them), and
  // it is no fresh test (a provider that repeated itself had certified "trajectory 1, which it had
  // not trained on"). The reason when it repeats one, else "".
  auto repeat = [&](const ca::Trajectory& t) -> std::string {
    const int number = source.next_index() - 1;
    for (std::size_t i = 0; i < data.size(); ++i)
      if (data[i] == t)
        return fmt::format("trajectory {} repeats trajectory {} frame for frame, set aside", number,
                           numbers[i]);
    return "";
  };
  // Every trajectory first tests the rule of the round before it, then joins the data.
  auto take = [&](ca::Trajectory t) {
    numbers.push_back(source.next_index() - 1);
    ca::PatternCounts c = ca::count_patterns(t, boundary);
    if (last_rule) {
      // Per orbit of G: an orbit first shown now tests what the round before filled it with,
      // by the nets or by a merge over ignored cells.
      extractor::add_guess_tests(guesses, last_rule->table, groups::Orbits(last_rule->group),
                                 counts, c);
      const auto e = extractor::one_step_errors(last_rule->table, t, boundary);
      prequential_wrong += e.wrong_cells;
      prequential_cells += e.cells;
    }
    counts += c;
    per_trajectory.push_back(c);
    data.push_back(std::move(t));
  };
  take(source.next());

  learner::Committee committee(ls.net, groups::Subgroup(), ls.committee, ls.seed, ls.device);
  std::optional<learner::Net> plain;       // for the seed's L1 check when G changes later
  groups::Subgroup group;                  // p1 until detection
  std::uint16_t ignored = 0;               // cells the rule ignores (none until detection)
  std::vector<groups::Subgroup> rejected;  // groups the L1 check or the data rejected
  // The G the committee was last trained under, checked by the seed's L1 check (none yet).
  std::optional<groups::Subgroup> trained_group;
  learner::SymmetryOptions sym;
  sym.min_evidence = ls.min_evidence;

  std::string last_judgement;  // why the last fresh trajectory did not certify
  // The trajectories asked of the provider (not replayed: stored copies, or recordings, cost no
  // request) that repeated one taken before, since the last that did not. A provider whose soups
  // cannot differ (density 0 or 1, a seeded world that serves one soup) would spend the whole
  // budget on copies: after kRepeatsToStop in a row the run stops, as on its budget.
  constexpr int kRepeatsToStop = 3;
  std::vector<int> repeats_in_a_row;
  auto note_repeat = [&](bool repeated) {
    const int number = source.next_index() - 1;  // the trajectory just fetched
    if (!repeated)
      repeats_in_a_row.clear();
    else if (number >= source.replayed())
      repeats_in_a_row.push_back(number);
  };
  for (int round = 0;; ++round) {
    RoundRecord rec;
    rec.round = round;
    rec.trajectories = static_cast<int>(data.size());
    rec.prequential_error =
        prequential_cells ? double(prequential_wrong) / double(prequential_cells) : -1.0;
    prequential_wrong = prequential_cells = 0;
    rec.noise_rate = noise_rate(counts);
    const bool noise_free = cfg.provider.noise == 0 && rec.noise_rate == 0;
    // A shown cell's misread rate: the provider's stated noise, else estimated from the counts,
    // else (no pattern seen often enough to estimate it) the noise rate, an over-estimate.
    const double estimated = noise_free ? 0.0 : extractor::estimate_misread_rate(counts);
    const double misread_rate = noise_free               ? 0.0
                                : cfg.provider.noise > 0 ? cfg.provider.noise
                                : estimated > 0          ? estimated
                                                         : rec.noise_rate;
    rec.misread_rate = misread_rate;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<learner::TrainReport> reports;

    // Choose G: in round 0 from a trained plain committee (or from the data, when the method needs
    // no net); later from the data, so that G can only follow the evidence (it shrinks as soon as
    // the data contradict it).
    learner::SymmetryVerdict verdict;
    const bool fixed = ls.symmetry.kind == learner::SymmetryMethod::fixed;
    // A group fixed in the config gives way where noise-free data contradict it: to the largest of
    // its subgroups they do not contradict. Its contradicted classes would otherwise stay unknown
    // for the rest of the run (a wrong `fixed:p4m` spent the whole budget with 8 entries unknown).
    // A rejected group stays rejected for the run; the round's record names it.
    auto reject = [&](groups::Subgroup g) {
      rec.rejected_group += (rec.rejected_group.empty() ? "" : ",") + g.name();
      rejected.push_back(g);
    };
    auto give_way = [&](learner::SymmetryVerdict& v) {
      if (!fixed || !noise_free) return;
      const groups::Subgroup allowed =
          groups::largest_invariant_subgroup(groups::forced_table(counts), v.group);
      if (allowed == v.group) return;
      if (std::find(rejected.begin(), rejected.end(), v.group) == rejected.end()) {
        reject(v.group);
        note(fmt::format("the data contradict {}: G is {}", v.group.name(), allowed.name()));
      }
      v.set_group(allowed);
    };
    auto verdict_from_data = [&] {
      learner::SymmetryVerdict v = learner::detect_symmetry(
          round == 0 || fixed ? ls.symmetry : learner::SymmetryMethod::data, counts, nullptr, sym);
      // The round-0 detector's choice stands while the data allow it and support no group that
      // holds it: a kernel reading that missed a symmetry (kernels took p1 for Life-like rules in
      // the zoo) then grows to the data's group, instead of costing trajectories all run long.
      if (round > 0 && !fixed && ls.symmetry.kind != learner::SymmetryMethod::data &&
          !v.group.contains(group) && groups::is_invariant(groups::forced_table(counts), group))
        v.set_group(group);
      // A rejected group's verdict stands, for the groups that hold it too (a later round's data
      // could otherwise grow G back over it).
      for (const groups::Subgroup& r : rejected)
        if (v.group.contains(r)) v.set_group(group);
      give_way(v);  // before the data are asked whether they determine the table under it
      return v;
    };
    // When noise-free data show every class of the G chosen from them, each with one next state,
    // the data determine the whole table: the extractor takes an observed class's output from
    // the data whatever the nets say, so no net is trained this round.
    const bool data_may_settle = noise_free && (round > 0 || !ls.symmetry.needs_net());
    bool nets_needed = true;
    if (data_may_settle) {
      verdict = verdict_from_data();
      const groups::Orbits classes(verdict.group, detect_ignored_cells(counts, verdict.group, sym));
      nets_needed = !data_determine_table(counts, classes);
    }
    if (nets_needed && round == 0) {
      note(fmt::format("training the plain committee ({} nets)", committee.size()));
      reports = committee.train(counts, ls.train);
      plain = committee.members().front().clone();
      rec.l1_plain = net_loss(*plain, data, boundary);
      if (ls.symmetry.kind == learner::SymmetryMethod::kernels) {
        // The seed's inspection needs readable kernels: a plain net pre-trained with weight
        // decay and trained on past its first fit (learner/symmetry.h's measurement).
        learner::TrainConfig readable = ls.train;
        readable.weight_decay = std::max(readable.weight_decay, 0.003);
        readable.min_steps = std::max(readable.min_steps, 2000);
        readable.max_steps = std::max(readable.max_steps, 3000);
        learner::Net inspected = committee.members().front().clone();
        inspected.train(counts, readable);
        verdict = learner::detect_symmetry(ls.symmetry, counts, &inspected, sym);
      } else {
        verdict = learner::detect_symmetry(ls.symmetry, counts, &committee.members().front(), sym);
      }
    } else if (!data_may_settle) {
      verdict = verdict_from_data();
    }
    give_way(verdict);  // again: round 0's committee verdict gives the fixed group anew
    rec.symmetry = verdict.summary();
    if (round == 0 || verdict.group != group) {
      group = verdict.group;
      committee.transfer_to(group);  // a round without nets too: later rounds train G-nets
    }
    if (!nets_needed) {
      rec.nets_trained = false;
      // The last trained nets' kernels are shown as the final net's only while G is theirs.
      if (trained_group && group != *trained_group) out.kernels.clear();
      note(fmt::format("the data determine every entry under {}: no nets trained", group.name()));
    } else if (round == 0 || !trained_group || group != *trained_group) {
      // G is checked whenever the nets are trained under a G they were not last trained (and
      // checked) under: in round 0, when the data change G, and after rounds without nets
      // (which may have changed it unchecked).
      if (round > 0) {  // the seed's check needs a plain net on the data of this round
        if (!plain)     // round 0 trained none: member 0's plain start
          plain.emplace(ls.net, groups::Subgroup(), learner::member_seed(ls.seed, 0), ls.device);
        plain->train(counts, ls.train);
        rec.l1_plain = net_loss(*plain, data, boundary);
      }
      note(fmt::format("training the {} committee on {} trajectories", group.name(), data.size()));
      reports = committee.train(counts, ls.train);
      // The seed's check: imposing G must not make the net roll out worse than the plain net.
      rec.l1_group = net_loss(committee.members().front(), data, boundary);
      // A group the user fixed is checked too: the data may contradict the claim. Under
      // observation noise a rollout from a noisy x_0 drifts for any net (L1 ≈ 0.12 for both on
      // Life-like rules at 1%), so the check would reject true groups: it is made on noise-free
      // data only (both L1s are still recorded).
      while (noise_free && group.order() > 1 &&
             rec.l1_group > rec.l1_plain + std::max(1e-3, 0.1 * rec.l1_plain)) {
        reject(group);
        group = largest_proper_subgroup(group);
        committee = learner::Committee(ls.net, group, ls.committee, ls.seed, ls.device);
        note(fmt::format("G rejected by the L1 check; training the {} committee", group.name()));
        reports = committee.train(counts, ls.train);
        rec.l1_group = net_loss(committee.members().front(), data, boundary);
      }
      if (fixed && group != verdict.group) {  // the record says the group used, not the one given
        verdict.set_group(group);
        rec.symmetry = verdict.summary();
      }
    } else {
      note(fmt::format("training the {} committee on {} trajectories", group.name(), data.size()));
      reports = committee.train(counts, ls.train);
    }
    if (nets_needed) trained_group = group;
    ignored = detect_ignored_cells(counts, group, sym);
    const groups::Orbits classes(group, ignored);
    rec.support = groups::support_name(classes.ignored());
    rec.train_steps = reports.empty() ? 0 : reports.front().steps;
    rec.converged = true;
    for (const auto& r : reports) rec.converged = rec.converged && r.converged;

    std::optional<extractor::NoisyData> noisy, noisy_orbits, noisy_patterns;
    if (misread_rate > 0) {
      noisy = separate_of_classes.noisy_data(data, classes, boundary, misread_rate);
      // Only the certified judgement weighs each pattern; when every class is one pattern (G = p1,
      // nothing ignored) the classes' separate updates are the patterns'.
      if (so.policy == extractor::Policy::certified)
        noisy_patterns =
            classes.count() == ca::kPatternCount
                ? noisy
                : separate_of_patterns.noisy_data(data, groups::Orbits(groups::Subgroup()),
                                                  boundary, misread_rate);
      if (classes.ignored() != 0)
        noisy_orbits =
            separate_of_orbits.noisy_data(data, groups::Orbits(group), boundary, misread_rate);
    }
    // Without nets the extractor reads the table off the data alone.
    const auto rule = extractor::extract(
        nets_needed ? committee.predictions() : std::vector<extractor::Predictions>{}, classes,
        counts, cfg.extractor.significance, noise_free, noisy ? &*noisy : nullptr);
    if (hooks.on_rule) hooks.on_rule(rule);
    rec.group = group.name();
    rec.significant_orbits = rule.significant_orbits;
    rec.total_orbits = rule.total_orbits;
    rec.known_entries = static_cast<int>(rule.table.known_count());
    // The G-net's L1 was already measured for the check when G was chosen this round; a round
    // without nets has none (-1).
    rec.l1 = !nets_needed        ? -1.0
             : rec.l1_group >= 0 ? rec.l1_group
                                 : net_loss(committee.members().front(), data, boundary);
    rec.l2 = mean_rule_loss(rule.table, data, boundary, false);
    rec.one_step = mean_rule_loss(rule.table, data, boundary, true);
    rec.train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // A round without nets leaves the last trained nets (checkpoints, kernels) as they were.
    if (nets_needed && !checkpoint_dir.empty())
      for (int k = 0; k < committee.size(); ++k)
        // Like every run-directory file (ca/files.h): written beside, synced, renamed,
        // never through a planted link.
        ca::write_durably(checkpoint_dir, fmt::format("net-{}.json", k),
                          committee.members()[static_cast<std::size_t>(k)].serialized());

    out.rule = rule;
    last_rule = rule;
    out.rounds = round + 1;
    // A diverged net's kernels (NaN or infinite weights) show nothing and are not recorded.
    auto flatten = [](const std::vector<Eigen::MatrixXd>& bank) {
      std::vector<std::array<double, 9>> out;
      for (const auto& k : bank) {
        if (!k.allFinite()) return std::vector<std::array<double, 9>>{};
        std::array<double, 9> flat{};
        for (int i = 0; i < 9; ++i) flat[std::size_t(i)] = k(i / 3, i % 3);
        out.push_back(flat);
      }
      return out;
    };
    if (nets_needed) out.kernels = flatten(committee.members().front().first_layer_kernels());
    if (plain) out.plain_kernels = flatten(plain->first_layer_kernels());

    extractor::RoundState state;
    state.round = round;
    state.trajectories = static_cast<int>(data.size());
    // Trajectories set aside as repeats count against the budget too.
    state.budget_left = source.requests() < so.max_trajectories && round + 1 < so.max_rounds;
    state.rule = &rule;
    state.counts = &counts;
    state.per_trajectory = &per_trajectory;
    state.l1 = rec.l1;
    state.l2 = rec.l2;
    state.one_step = rec.one_step;
    state.noise_free = noise_free;
    state.noise_rate = rec.noise_rate;
    state.noisy = noisy ? &*noisy : nullptr;
    state.noisy_orbits = noisy_orbits ? &*noisy_orbits : nullptr;
    state.noisy_patterns = noisy_patterns ? &*noisy_patterns : nullptr;
    state.guesses = guesses;
    state.data = &data;
    state.boundary = boundary;
    state.simulation_seed = ls.seed * 1000003u + std::uint64_t(round);
    extractor::Decision d = policy->decide(state);
    if (d.bound) rec.risk_bound = d.bound->bound;
    const std::string budget = "budget: no trajectories or rounds left";
    std::string reason;
    if (d.action == extractor::Action::halt) {
      reason = d.reason;
    } else if (!state.budget_left) {
      // What the last fresh trajectory lacked says more than "test" does (an entry it did not
      // show, an error above the tolerance).
      reason = fmt::format("{} (the policy wanted to {}: {}{})", budget, extractor::name(d.action),
                           d.reason,
                           d.action == extractor::Action::test && !last_judgement.empty()
                               ? "; the last fresh trajectory: " + last_judgement
                               : "");
    } else if (d.action == extractor::Action::test) {
      ca::Trajectory fresh = source.next();
      state.fresh_trajectory = source.next_index() - 1;
      if (std::string repeated = repeat(fresh); !repeated.empty()) {
        d = {extractor::Action::request, repeated + ": no fresh test", std::nullopt};
        note_repeat(true);
      } else {
        note_repeat(false);
        d = policy->judge(state, fresh, boundary);
        rec.certify_error = d.judged_error;
        if (d.action == extractor::Action::halt)
          reason = d.reason;
        else
          take(std::move(fresh));
      }
      last_judgement = d.reason;
    } else if (d.action == extractor::Action::request) {
      ca::Trajectory next = source.next();
      if (std::string repeated = repeat(next); !repeated.empty()) {
        d.reason += "; " + repeated;
        note_repeat(true);
      } else {
        note_repeat(false);
        take(std::move(next));
      }
    }
    if (reason.empty() && int(repeats_in_a_row.size()) >= kRepeatsToStop) {
      reason = fmt::format(
          "the provider repeats itself: trajectories {} each repeat one taken before, frame for "
          "frame (soups that cannot differ: a density of 0 or 1, a grid too small); more would "
          "likely bring nothing new",
          fmt::join(repeats_in_a_row, ", "));
    }
    if (reason.empty()) {
      rec.decision = fmt::format("{} ({})", extractor::name(d.action), d.reason);
    } else {
      out.halted = d.action == extractor::Action::halt;
      if (out.halted) out.stated_bound = d.bound;
      rec.decision = out.halted ? "halt" : "stop";
    }
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
