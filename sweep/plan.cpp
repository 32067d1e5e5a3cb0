#include "sweep/plan.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "experiment/config.h"
#include "experiment/yaml_section.h"
#include "groups/subgroup.h"
#include "learner/symmetry.h"
#include "provider/error.h"
#include "provider/limits.h"

namespace carl::sweep {

struct SweepPlan::Source {
  std::string label;              // the records' "suite"
  std::vector<HiddenRule> rules;  // suite, file and rule sources: all of them
  std::string family;             // random and lifelike sources: generated on demand
  std::uint64_t count = 0, seed = 0;
  bool all_lifelike = false;
};

namespace {

using experiment::in_range;
using experiment::one_of;
using experiment::parsed_by;
using experiment::YamlSection;

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A permutation of [0, 2^(2·half)) keyed by seed (a four-round Feistel network on two halves of
// `half` bits): the first `count` values of it are a sample of distinct rules of a family that
// has that many (Life-like: 2 × 9 bits; outer-totalistic von Neumann: 2 × 5).
std::uint32_t permute(std::uint32_t x, int half, std::uint64_t seed) {
  const std::uint32_t mask = (1u << half) - 1;
  std::uint32_t left = x >> half, right = x & mask;
  for (std::uint64_t round = 0; round < 4; ++round) {
    const std::uint32_t f = std::uint32_t(splitmix(seed * 8 + round + (std::uint64_t(right) << 8)));
    const std::uint32_t next = left ^ (f & mask);
    left = right;
    right = next;
  }
  return (left << half) | right;
}

HiddenRule generated(const SweepPlan::Source& s, std::uint64_t k) {
  ca::RuleTable t;
  if (s.all_lifelike) {
    t = lifelike_rule(std::uint32_t(k));
  } else {
    const std::uint64_t rule_seed = splitmix(splitmix(s.seed) + k);
    if (s.family == "lifelike") t = lifelike_rule(permute(std::uint32_t(k), 9, s.seed));
    if (s.family == "isotropic") t = ca::random_isotropic_rule(rule_seed);
    if (s.family == "map") t = ca::random_rule(rule_seed);
    if (s.family == "vonneumann") {
      const std::uint32_t index = permute(std::uint32_t(k), 5, s.seed);
      t = ca::von_neumann_rule(index & 31, index >> 5);  // births, survivals (bit n: n neighbours)
    }
  }
  CARL_CHECK(t.complete(), "family {}", s.family);
  return {s.label, ca::emit_rule(t), t};
}

// A sweep's name is its default --out folder under sweeps/, and a setting's name is printed and
// recorded: both follow a run's name (valid UTF-8, no '/', no control characters), shorter.
std::string check_name(const std::string& n) {
  if (n.size() > 100) return "longer than 100 bytes";
  return experiment::run_name_problem(n);
}

// Declares `key`; when it is given, reads it as an integer in [lo, hi] into `into`. True when
// given.
template <class T>
bool integer_field(YamlSection& f, const char* key, T& into, T lo, T hi) {
  const YAML::Node v = f.child(key);
  if (!v) return false;
  into = f.integer<T>(v, f.key(key), lo, hi);
  return true;
}

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

// The text of a `file:` source at `path` (the sweep file's directory joined with the path as
// written); refused naming the key and the path as opened, made absolute.
std::string read_rules_file(const YamlSection& f, const YAML::Node& at, const std::string& key,
                            const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  int err = in ? 0 : errno;
  std::error_code ec;
  if (in && std::filesystem::is_directory(path, ec)) err = EISDIR;
  if (!in || err != 0) {
    const std::filesystem::path shown = std::filesystem::absolute(path, ec);
    throw f.error(at, fmt::format("{}: {}: cannot open{}", key,
                                  printable(ec ? path.string() : shown.string()),
                                  err != 0 ? std::string(": ") + std::strerror(err) : ""));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The sources of `rules:`.
std::shared_ptr<SweepPlan::Source> read_source(const YAML::Node& node, const std::string& where,
                                               const std::string& file) {
  YamlSection f(node, where, file);
  auto s = std::make_shared<SweepPlan::Source>();
  int kinds = 0;
  std::string suite;
  if (f.field<std::string>("suite", suite, one_of(zoo_suite_names()))) {
    ++kinds;
    int count = 6;
    integer_field(f, "count", count, 1, 10000);
    s->label = suite;
    s->rules = zoo_suite(suite, count);
  }
  if (const YAML::Node r = f.child("random")) {
    ++kinds;
    YamlSection g(r, f.key("random"), file);
    if (!g.field<std::string>("family", s->family,
                              one_of({"lifelike", "isotropic", "map", "vonneumann"})))
      throw g.error(r, g.key("family") + ": missing");
    // Families small enough to exhaust are drawn without replacement, so at most all of them.
    const std::uint64_t most = s->family == "lifelike"     ? (1u << 18)
                               : s->family == "vonneumann" ? (1u << 10)
                                                           : kMaxSweepJobs;
    if (!integer_field<std::uint64_t>(g, "count", s->count, 1, most))
      throw g.error(r, g.key("count") + ": missing");
    integer_field<std::uint64_t>(g, "seed", s->seed, 0, kMaxU64);
    g.reject_unknown();
    s->label = "random-" + s->family;
  }
  std::string lifelike;
  if (f.field<std::string>("lifelike", lifelike, one_of({"all"}))) {
    ++kinds;
    s->all_lifelike = true;
    s->count = 1u << 18;
    s->label = "lifelike";
  }
  std::string rules_file;
  if (f.field<std::string>("file", rules_file)) {
    ++kinds;
    const std::filesystem::path p =
        std::filesystem::path(file).parent_path() / std::filesystem::path(rules_file);
    const std::string text = read_rules_file(f, node["file"], f.key("file"), p);
    std::error_code ec;  // the rules file as opened, made absolute, in every message about it
    const std::string shown = printable(std::filesystem::absolute(p, ec).string());
    std::size_t at = 0;
    for (int line = 1; at < text.size(); ++line) {
      std::size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      std::string r = text.substr(at, end - at);
      at = end + 1;
      if (const std::size_t hash = r.find('#'); hash != std::string::npos) r.resize(hash);
      r.erase(0, r.find_first_not_of(" \t\r"));
      r.erase(r.find_last_not_of(" \t\r") + 1);
      if (r.empty()) continue;
      try {
        const ca::RuleTable t = ca::parse_rule(r);
        s->rules.push_back({rules_file, ca::emit_rule(t), t});
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}:{}: {}", shown, line, e.what()));
      }
      if (s->rules.size() > kMaxSweepJobs)
        throw InputError(fmt::format("{}: more than {} rules", shown, kMaxSweepJobs));
    }
    if (s->rules.empty())
      throw f.error(node["file"], fmt::format("{}: {}: holds no rulestring", f.key("file"), shown));
    s->label = rules_file;
  }
  std::string rule;
  if (f.field<std::string>("rule", rule)) {
    ++kinds;
    try {
      const ca::RuleTable t = ca::parse_rule(rule);
      s->rules.push_back({"rule", ca::emit_rule(t), t});
    } catch (const InputError& e) {
      throw f.error(node["rule"], f.key("rule") + ": " + e.what());
    }
    s->label = "rule";
  }
  f.reject_unknown();
  if (kinds != 1)
    throw f.error(node, where + ": give exactly one of suite, random, lifelike, file, rule");
  if (node["count"] && suite.empty())
    throw f.error(node["count"], f.key("count") + ": only with suite");
  if (s->count == 0) s->count = s->rules.size();
  return s;
}

template <class T>
const T* find_named(const std::vector<T>& v, const std::string& name) {
  for (const T& x : v)
    if (x.name == name) return &x;
  return nullptr;
}

std::vector<std::string> names_of(const std::vector<Regime>& v) {
  std::vector<std::string> n;
  for (const auto& x : v) n.push_back(x.name);
  return n;
}
std::vector<std::string> names_of(const std::vector<Setting>& v) {
  std::vector<std::string> n;
  for (const auto& x : v) n.push_back(x.name);
  return n;
}

// A regime or setting: a zoo name, or a mapping {name, from, overrides…}.
template <class T>
T read_variant(const YAML::Node& node, const std::string& where, const std::string& file,
               const std::vector<T>& zoo, const std::function<void(YamlSection&, T&)>& overrides) {
  auto base = [&](const YAML::Node& at, const std::string& name, const std::string& key) {
    const T* z = find_named(zoo, name);
    if (!z)
      throw InputError(fmt::format("{}:{}: {}: '{}' is not one of the zoo's: {}", file,
                                   at.Mark().line + 1, key, printable(name),
                                   fmt::join(names_of(zoo), ", ")));
    return *z;
  };
  if (node.IsScalar()) return base(node, node.Scalar(), where);
  YamlSection f(node, where, file);
  std::string name, from;
  f.field<std::string>("name", name, check_name);
  if (name.empty()) throw f.error(node, f.key("name") + ": missing");
  // The base: `from`, else the zoo's of the same name, else the zoo's first (scarce, certified).
  T t = f.field<std::string>("from", from) ? base(node["from"], from, f.key("from"))
        : find_named(zoo, name)            ? *find_named(zoo, name)
                                           : zoo.front();
  t.name = name;
  overrides(f, t);
  f.reject_unknown();
  return t;
}

}  // namespace

ca::RuleTable lifelike_rule(std::uint32_t index) {
  CARL_CHECK(index < (1u << 18), "Life-like rule number {}", index);
  return ca::RuleTable::from_function([index](ca::Pattern p) {
    const bool centre = p & 0x10;
    const int n = __builtin_popcount(unsigned(p) & ~0x10u);
    return bool((index >> (centre ? 9 + n : n)) & 1u);
  });
}

SweepPlan SweepPlan::load(const std::string& path) {
  return parse(ca::read_text_file(path), path);
}

SweepPlan SweepPlan::parse(const std::string& text, const std::string& path) {
  const YAML::Node root = experiment::load_yaml(text, path);
  if (!root.IsMap())
    throw InputError(
        fmt::format("{}:1: a sweep file is a mapping (rules, regimes, seeds, "
                    "settings)",
                    path));
  YamlSection top(root, "", path, "the sweep file");
  SweepPlan plan;
  plan.name_ = std::filesystem::path(path).stem().string();
  top.field<std::string>("name", plan.name_, check_name);

  const YAML::Node rules = top.child("rules");
  if (!rules || !rules.IsSequence() || rules.size() == 0)
    throw top.error(rules ? rules : root, "rules: expected a non-empty list of rule sources");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto s = read_source(rules[i], fmt::format("rules[{}]", i), path);
    plan.source_start_.push_back(plan.rules_);
    plan.rules_ += s->count;
    if (plan.rules_ > kMaxSweepJobs)
      throw top.error(rules[i], fmt::format("rules: more than {} rules", kMaxSweepJobs));
    plan.sources_.push_back(std::move(s));
  }

  auto list = [&](const char* key) {
    const YAML::Node n = top.child(key);
    if (n && (!n.IsSequence() || n.size() == 0))
      throw top.error(n, fmt::format("{}: expected a non-empty list", key));
    return n;
  };
  if (const YAML::Node regimes = list("regimes")) {
    for (std::size_t i = 0; i < regimes.size(); ++i) {
      plan.regimes_.push_back(
          read_variant<Regime>(regimes[i], fmt::format("regimes[{}]", i), path, zoo_regimes(),
                               [](YamlSection& f, Regime& g) {
                                 integer_field(f, "side", g.side, 3, 4096);
                                 integer_field(f, "steps", g.steps, 1, 100000);
                                 f.field<double>("density", g.density, in_range(0.0, 1.0));
                                 f.field<double>("noise", g.noise, in_range(0.0, 0.5));
                                 integer_field(f, "budget", g.budget, 1, 100000);
                                 f.field<std::string>("mode", g.mode, one_of<ca::Boundary>());
                               }));
      // A shape over the memory limit is refused here, naming the regime, not when its first
      // job starts after the jobs before it have run.
      const Regime& g = plan.regimes_.back();
      experiment::ProviderSettings shape;
      shape.height = shape.width = g.side;
      shape.steps = g.steps;
      shape.mode = *parse_choice<ca::Boundary>(g.mode);
      try {
        provider::require_fits(
            experiment::trajectory_bytes(shape),
            fmt::format("a trajectory of {} frames of {}x{}", g.steps + 1, g.side, g.side));
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}:{}: regimes[{}]: {}", printable(path),
                                     regimes[i].Mark().line + 1, i, e.what()));
      }
    }
  } else {
    plan.regimes_.push_back(*find_named(zoo_regimes(), "scarce"));
  }
  if (const YAML::Node settings = list("settings")) {
    for (std::size_t i = 0; i < settings.size(); ++i)
      plan.settings_.push_back(read_variant<Setting>(
          settings[i], fmt::format("settings[{}]", i), path, zoo_settings(),
          [](YamlSection& f, Setting& s) {
            f.field<std::string>("policy", s.policy, one_of<extractor::Policy>());
            f.field<std::string>("objective", s.objective, one_of<learner::Objective>());
            f.field<std::string>("symmetry", s.symmetry, parsed_by(learner::SymmetryMethod::parse));
            integer_field(f, "committee", s.committee, 1, 64);
            f.field<double>("delta", s.delta, in_range(1e-12, 0.5));
          }));
  } else {
    plan.settings_.push_back(*find_named(zoo_settings(), "certified"));
  }
  auto unique = [&](const std::vector<std::string>& names, const char* key) {
    std::set<std::string> seen;
    for (const auto& n : names)
      if (!seen.insert(n).second)
        throw top.error(root[key],
                        fmt::format("{}: the name '{}' is given twice", key, printable(n)));
  };
  unique(names_of(plan.regimes_), "regimes");
  unique(names_of(plan.settings_), "settings");

  if (const YAML::Node seeds = top.child("seeds")) {
    if (seeds.IsScalar()) {
      const int n = top.integer(seeds, "seeds", 1, 10000);
      for (int k = 1; k <= n; ++k) plan.seeds_.push_back(std::uint64_t(k));
    } else if (seeds.IsSequence() && seeds.size() > 0) {
      std::set<std::uint64_t> seen;
      for (const auto& s : seeds) {
        plan.seeds_.push_back(top.integer<std::uint64_t>(s, "seeds", 0, kMaxU64));
        if (!seen.insert(plan.seeds_.back()).second)
          throw top.error(s, fmt::format("seeds: {} is given twice", plan.seeds_.back()));
      }
    } else {
      throw top.error(seeds, "seeds: expected a count or a non-empty list of seeds");
    }
  } else {
    plan.seeds_ = {1};
  }
  top.reject_unknown();
  if (plan.size() > kMaxSweepJobs)
    throw top.error(root, fmt::format("the sweep has {} jobs, more than carl's limit of {}",
                                      plan.size(), kMaxSweepJobs));
  return plan;
}

std::uint64_t SweepPlan::size() const {
  return rules_ * regimes_.size() * seeds_.size() * settings_.size();
}

Job SweepPlan::job(std::uint64_t id) const {
  CARL_CHECK(id < size(), "job {} of {}", id, size());
  Job j;
  j.id = id;
  const std::uint64_t per_seed = settings_.size(), per_regime = per_seed * seeds_.size(),
                      per_rule = per_regime * regimes_.size();
  const std::uint64_t rule = id / per_rule;
  j.regime = regimes_[(id % per_rule) / per_regime];
  j.seed = seeds_[(id % per_regime) / per_seed];
  j.setting = settings_[id % per_seed];
  const std::size_t s =
      std::size_t(std::upper_bound(source_start_.begin(), source_start_.end(), rule) -
                  source_start_.begin() - 1);
  const Source& src = *sources_[s];
  const std::uint64_t k = rule - source_start_[s];
  j.rule = src.rules.empty() ? generated(src, k) : src.rules[std::size_t(k)];
  return j;
}

std::vector<std::pair<const char*, nlohmann::json>> record_identity(const Job& job) {
  return {{"suite", job.rule.suite},
          {"rule", job.rule.name},
          {"regime", job.regime.name},
          {"setting", job.setting.name},
          {"seed", job.seed}};
}

bool is_record_of(const nlohmann::json& record, const Job& job) {
  for (const auto& [key, want] : record_identity(job))
    if (!record.contains(key) || record[key] != want) return false;
  return true;
}

}  // namespace carl::sweep
