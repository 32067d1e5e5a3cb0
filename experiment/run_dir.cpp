#include "experiment/run_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "groups/orbits.h"
#include "provider/client.h"

namespace carl::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
RunDir RunDir::create(const std::string& runs_dir, const std::string& name) {
  ca::make_directories(runs_dir);
  for (int k = 1; k < 100000; ++k) {
    const std::string p =
        (fs::path(runs_dir) / (k == 1 ? name : fmt::format("{}-{}", name, k))).string();
    if (::mkdir(p.c_str(), 0755) == 0) {
      RunDir dir(p);
      try {
        dir.lock();
      } catch (...) {
        ::rmdir(p.c_str());  // made here, empty: no half-made directory is left behind
        throw;
      }
      return dir;
    }
    if (errno != EEXIST)
      throw InputError(fmt::format("{}: cannot create directory: {}", p, std::strerror(errno)));
  }
  throw InputError(fmt::format("{}: no free run directory name for '{}'", runs_dir, name));
}

RunDir RunDir::open(const std::string& path) {
  ca::require_real_directory(path);
  if (!ca::entry_exists(path, "config.yaml"))
    throw InputError(fmt::format("{}: not a run directory (no config.yaml)", path));
  // carl never makes a link there: one planted would redirect a later write or read.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_symlink(ec))
      throw InputError(
          fmt::format("{}: a symbolic link in the run directory (refused)", e.path().string()));
  return RunDir(path);
}

RunDir RunDir::open_for_writing(const std::string& path) {
  RunDir dir = open(path);
  dir.lock();
  return dir;
}

void RunDir::lock() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw InputError(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
  lock_ = std::shared_ptr<const int>(new int(fd), [](const int* d) {
    ::close(*d);
    delete d;
  });
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
    throw InputError(
        errno == EWOULDBLOCK
            ? fmt::format(
                  "{}: another carl is writing this run directory; resume it once that one has "
                  "ended",
                  path_)
            : fmt::format("{}: cannot lock: {}", path_, std::strerror(errno)));
}

void RunDir::write(const std::string& name, const std::string& bytes) const {
  ca::write_durably(path_, name, bytes);
}

std::string RunDir::read(const std::string& name) const {
  return ca::read_nofollow(path_, name);
}

namespace {
// What follows the digest on its line is words for a reader, not checked: rewording them must
// not make every stored run read as edited.
constexpr std::string_view kConfigDigest = "# carl: the config as used, digest ";
std::string config_digest(const std::string& text) {
  return fmt::format("{:016x}", provider::fnv1a64(text));
}
}  // namespace

void RunDir::write_config(const std::string& text) const {
  // A byte-order mark goes: it would stand after the digest line, inside the YAML text.
  const std::string body = text.rfind("\xef\xbb\xbf", 0) == 0 ? text.substr(3) : text;
  write("config.yaml", fmt::format("{}{} (edit nothing: a run keeps its config)\n", kConfigDigest,
                                   config_digest(body)) +
                           body);
}

std::string RunDir::read_config() const {
  // The whole text, the digest line too (a comment to YAML): line numbers in errors stay right.
  const std::string text = read("config.yaml");
  if (text.rfind(kConfigDigest, 0) != 0) return text;
  const std::size_t eol = text.find('\n');
  const std::string body = eol == std::string::npos ? "" : text.substr(eol + 1);
  if (text.compare(kConfigDigest.size(), 16, config_digest(body)) != 0)
    throw InputError(fmt::format(
        "{}: changed since the run began (its digest line does not match the file); a run "
        "keeps its config: undo the edit, or start a fresh run for other settings (a larger "
        "budget is given as carl run CONFIG --resume {})",
        file("config.yaml"), path_));
  return text;
}

bool RunDir::has(const std::string& name) const {
  return ca::entry_exists(path_, name);
}

void RunDir::remove() const {
  std::error_code ec;
  fs::remove_all(path_, ec);  // remove_all does not follow symlinks inside the directory
}

int run_budget(const Config& c, int stored) {
  return std::max(c.stopping.max_trajectories, stored);
}

provider::Shape run_shape(const Config& c) {
  return {c.provider.height, c.provider.width, c.provider.steps, c.provider.mode};
}

// ---------------------------------------------------------------------------------------------
// Writers.
std::string round_json_line(const RoundRecord& r) {
  return json{
      {"round", r.round},
      {"trajectories", r.trajectories},
      {"group", r.group},
      {"symmetry", r.symmetry},
      {"significant_orbits", r.significant_orbits},
      {"total_orbits", r.total_orbits},
      {"known_entries", r.known_entries},
      {"l1", r.l1 < 0 ? json(nullptr) : json(r.l1)},
      {"l2", r.l2},
      {"one_step", r.one_step},
      {"train_steps", r.train_steps},
      {"converged", r.converged},
      {"nets_trained", r.nets_trained},
      {"seconds", r.train_seconds},
      {"certify_error", r.certify_error < 0 ? json(nullptr) : json(r.certify_error)},
      {"support", r.support},
      {"l1_plain", r.l1_plain < 0 ? json(nullptr) : json(r.l1_plain)},
      {"l1_group", r.l1_group < 0 ? json(nullptr) : json(r.l1_group)},
      {"rejected_group", r.rejected_group},
      {"prequential_error", r.prequential_error < 0 ? json(nullptr) : json(r.prequential_error)},
      {"noise_rate", r.noise_rate},
      {"misread_rate", r.misread_rate},
      {"risk_bound", r.risk_bound < 0 ? json(nullptr) : json(r.risk_bound)},
      {"decision", r.decision}}
      .dump();
}

std::string rule_json_text(const Config& cfg, const Outcome& o) {
  json entries = json::array();
  for (int p = 0; p < ca::kPatternCount; ++p) {
    const bool known = o.rule.table.known(ca::Pattern(p));
    entries.push_back(
        {{"pattern", p},
         {"output", known ? json(int(o.rule.table.output(ca::Pattern(p)))) : json(nullptr)},
         {"provenance", choice_name(o.rule.provenance[static_cast<std::size_t>(p)])}});
  }
  json counts = json::object();
  const auto n = o.rule.count_by_provenance();
  for (const auto& [p, word] : extractor::kProvenanceWords) counts[word] = n[std::size_t(p)];
  json j = {
      {"name", cfg.name},
      {"halted", o.halted},
      {"reason", o.reason},
      {"group", o.rule.group.name()},
      {"support", groups::support_name(o.rule.ignored_cells)},
      {"ignored_cells", o.rule.ignored_cells},
      {"policy", o.policy},
      {"stated_bound",
       o.stated_bound
           ? json{{"delta", o.delta},
                  {"confidence", o.stated_bound->confidence},
                  {"bound", o.stated_bound->bound},
                  {"missing_mass_upper", o.stated_bound->missing_mass_upper},
                  {"wrong_share_upper", o.stated_bound->wrong_share_upper},
                  {"rare_cells_per_appearance", o.stated_bound->rare_cells_per_appearance},
                  {"simulated_cells_per_appearance",
                   o.stated_bound->simulated_cells_per_appearance},
                  {"cells_per_appearance", o.stated_bound->cells_per_appearance}}
           : json(nullptr)},
      {"complete", o.rule.table.complete()},
      {"rulestring", o.rule.table.complete() ? json(ca::emit_rule(o.rule.table)) : json(nullptr)},
      {"trajectories", o.trajectories},
      {"rounds", o.rounds},
      {"provenance_counts", counts},
      {"entries", entries},
      {"first_layer_kernels", o.kernels},
      {"plain_first_layer_kernels", o.plain_kernels}};
  if (o.score)
    j["score"] = {{"hidden_rule", o.score->hidden_rule},
                  {"exact", o.score->exact},
                  {"wrong", o.score->wrong},
                  {"unknown", o.score->unknown},
                  {"wrong_patterns", o.score->wrong_patterns}};
  else
    j["score"] = nullptr;
  return j.dump(1) + "\n";
}

// ---------------------------------------------------------------------------------------------
// Checked readers.
namespace {

// One JSON object being read: every access names "<source>: <field>" on failure, and keys that
// are not part of the schema are errors too.
class Obj {
 public:
  Obj(const json& j, std::string source, std::string path)
      : j_(j), source_(std::move(source)), path_(std::move(path)) {
    if (!j_.is_object()) fail("", "expected an object");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(fmt::format("{}: {}: {}", source_, field(key), what));
  }
  std::string field(const std::string& key) const {
    if (key.empty()) return path_.empty() ? "top level" : path_;
    return path_.empty() ? key : path_ + "." + key;
  }
  const json& at(const std::string& key) {
    seen_.push_back(key);
    const auto it = j_.find(key);
    if (it == j_.end()) fail(key, "missing");
    return *it;
  }
  long long integer(const std::string& key, long long lo, long long hi) {
    const json& v = at(key);
    if (!v.is_number_integer()) fail(key, fmt::format("expected an integer, got {}", shown(v)));
    long long x = 0;
    if (v.is_number_unsigned()) {
      const auto u = v.get<unsigned long long>();
      if (u > static_cast<unsigned long long>(hi))
        fail(key, fmt::format("{} is outside [{}, {}]", u, lo, hi));
      x = static_cast<long long>(u);
    } else {
      x = v.get<long long>();
    }
    if (x < lo || x > hi) fail(key, fmt::format("{} is outside [{}, {}]", x, lo, hi));
    return x;
  }
  double number(const std::string& key, double lo, double hi) {
    const json& v = at(key);
    if (!v.is_number()) fail(key, fmt::format("expected a number, got {}", shown(v)));
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi)
      fail(key, fmt::format("{} is outside [{}, {}]", x, lo, hi));
    return x;
  }
  bool boolean(const std::string& key) {
    const json& v = at(key);
    if (!v.is_boolean()) fail(key, fmt::format("expected true or false, got {}", shown(v)));
    return v.get<bool>();
  }
  std::string string(const std::string& key, std::size_t max_len = 4096) {
    const json& v = at(key);
    if (!v.is_string()) fail(key, fmt::format("expected a string, got {}", shown(v)));
    std::string s = v.get<std::string>();
    if (s.size() > max_len) fail(key, fmt::format("longer than {} characters", max_len));
    // C0, DEL and C1 (the JSON parser took valid UTF-8 only).
    for (std::size_t i = 0, len = 0; i < s.size(); i += std::max<std::size_t>(len, 1)) {
      len = utf8_length(s, i);
      if (is_control(s, i, len)) fail(key, "contains a control character");
    }
    return s;
  }
  bool is_null(const std::string& key) { return at(key).is_null(); }
  // Whether an optional key is there (it then counts as read).
  bool present(const std::string& key) {
    if (j_.find(key) == j_.end()) return false;
    seen_.push_back(key);
    return true;
  }
  // Call after reading every field.
  void no_other_keys() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool known = false;
      for (const auto& k : seen_) known = known || k == it.key();
      if (!known) fail(printable(it.key()), "unknown key");
    }
  }
  static std::string shown(const json& v) {
    std::string s = v.dump();
    if (s.size() > 40) s = s.substr(0, 40) + "…";
    for (char& c : s)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return s;
  }

 private:
  const json& j_;
  std::string source_, path_;
  std::vector<std::string> seen_;
};

json parse_json(const std::string& text, const std::string& source, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    for (char& c : what)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    throw InputError(fmt::format("{}{}: not valid JSON ({})", source, where, what));
  }
}

extractor::Provenance provenance_named(Obj& o, const std::string& key) {
  const std::string s = o.string(key);
  if (const auto p = parse_choice<extractor::Provenance>(s)) return *p;
  o.fail(key, not_one_of<extractor::Provenance>(s));
}

groups::Subgroup group_named(Obj& o, const std::string& key) {
  const std::string s = o.string(key, 16);
  try {
    return groups::Subgroup::parse(s);
  } catch (const InputError& e) {
    o.fail(key, e.what());
  }
}

}  // namespace

StoredRule parse_rule_json(const std::string& text, const std::string& source) {
  const json j = parse_json(text, source, "");
  Obj top(j, source, "");
  StoredRule r;
  r.name = top.string("name", 255);
  if (const std::string problem = run_name_problem(r.name); !problem.empty())
    top.fail("name", problem);
  r.halted = top.boolean("halted");
  r.reason = top.string("reason");
  r.group = group_named(top, "group");
  // Fields added with the halting policies; absent from older run directories.
  if (top.present("support")) r.support = top.string("support", 200);
  if (top.present("ignored_cells"))
    r.ignored_cells = static_cast<std::uint16_t>(top.integer("ignored_cells", 0, 511));
  if (r.support != groups::support_name(r.ignored_cells))
    top.fail("support", fmt::format("'{}' is not the support of ignored_cells {} ('{}')", r.support,
                                    r.ignored_cells, groups::support_name(r.ignored_cells)));
  if (top.present("policy")) {
    r.policy = top.string("policy", 32);
    if (!r.policy.empty() && !parse_choice<extractor::Policy>(r.policy))
      top.fail("policy", not_one_of<extractor::Policy>(r.policy));
  }
  if (top.present("stated_bound") && !top.is_null("stated_bound")) {
    Obj b(top.at("stated_bound"), source, "stated_bound");
    r.stated_delta = b.number("delta", 0, 1);
    r.stated_confidence = b.number("confidence", 0, 1);
    r.stated_bound = b.number("bound", 0, 1);
    b.number("missing_mass_upper", 0, 1);
    b.number("wrong_share_upper", 0, 1);
    // Added with the simulated appearances; absent from older run directories.
    for (const char* key :
         {"rare_cells_per_appearance", "simulated_cells_per_appearance", "cells_per_appearance"})
      if (b.present(key)) b.number(key, 1, 1e12);
    b.no_other_keys();
  }
  r.complete = top.boolean("complete");
  r.trajectories = static_cast<int>(top.integer("trajectories", 0, 1000000));
  r.rounds = static_cast<int>(top.integer("rounds", 0, 1000000));

  const json& entries = top.at("entries");
  if (!entries.is_array() || entries.size() != ca::kPatternCount)
    top.fail("entries", fmt::format("expected an array of {} entries", ca::kPatternCount));
  std::array<bool, ca::kPatternCount> given{};
  std::array<int, 4> counted{};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Obj e(entries[i], source, fmt::format("entries[{}]", i));
    const int p = static_cast<int>(e.integer("pattern", 0, ca::kPatternCount - 1));
    if (given[static_cast<std::size_t>(p)]) e.fail("pattern", fmt::format("{} given twice", p));
    given[static_cast<std::size_t>(p)] = true;
    const extractor::Provenance prov = provenance_named(e, "provenance");
    if (e.is_null("output")) {
      if (prov != extractor::Provenance::unknown)
        e.fail("output", fmt::format("null, but the provenance is '{}'", choice_name(prov)));
    } else {
      const int out = static_cast<int>(e.integer("output", 0, 1));
      if (prov == extractor::Provenance::unknown)
        e.fail("output", "given, but the provenance is 'unknown'");
      r.table.set(ca::Pattern(p), out != 0);
    }
    e.no_other_keys();
    r.provenance[static_cast<std::size_t>(p)] = prov;
    ++counted[static_cast<std::size_t>(prov)];
  }
  if (r.complete != r.table.complete())
    top.fail("complete",
             fmt::format("{}, but {} of 512 entries are known", r.complete, r.table.known_count()));
  if (top.is_null("rulestring")) {
    if (r.complete) top.fail("rulestring", "null, but the rule is complete");
  } else {
    const std::string s = top.string("rulestring", 200);
    if (!r.complete) top.fail("rulestring", "given, but the rule is partial");
    ca::RuleTable parsed;
    try {
      parsed = ca::parse_rule(s);
    } catch (const InputError& e) {
      top.fail("rulestring", e.what());
    }
    if (parsed != r.table)
      top.fail("rulestring", fmt::format("'{}' disagrees with the entries", s));
    r.rulestring = s;
  }
  {
    Obj pc(top.at("provenance_counts"), source, "provenance_counts");
    for (const auto& [p, word] : extractor::kProvenanceWords) {
      const auto k = static_cast<std::size_t>(p);
      r.provenance_counts[k] = static_cast<int>(pc.integer(word, 0, ca::kPatternCount));
      if (r.provenance_counts[k] != counted[k])
        pc.fail(word, fmt::format("{}, but {} entries have that provenance", r.provenance_counts[k],
                                  counted[k]));
    }
    pc.no_other_keys();
  }
  // A bank of 3×3 kernels, row-major.
  auto read_kernels = [&](const char* key, std::vector<std::array<double, 9>>& into) {
    const json& k = top.at(key);
    if (!k.is_array() || k.size() > 4096)
      top.fail(key, "expected an array of at most 4096 kernels");
    for (std::size_t i = 0; i < k.size(); ++i) {
      const std::string f = fmt::format("{}[{}]", key, i);
      if (!k[i].is_array() || k[i].size() != 9)
        top.fail(f, "expected an array of 9 numbers (a 3x3 kernel, row-major)");
      std::array<double, 9> flat{};
      for (std::size_t c = 0; c < 9; ++c) {
        if (!k[i][c].is_number() || !std::isfinite(k[i][c].get<double>()))
          top.fail(fmt::format("{}[{}]", f, c), "expected a finite number");
        flat[c] = k[i][c].get<double>();
      }
      into.push_back(flat);
    }
  };
  read_kernels("first_layer_kernels", r.kernels);
  // Added with the seed's L1 check; absent from older run directories.
  if (top.present("plain_first_layer_kernels"))
    read_kernels("plain_first_layer_kernels", r.plain_kernels);
  if (!top.is_null("score")) {
    Obj s(top.at("score"), source, "score");
    Score sc;
    sc.hidden_rule = s.string("hidden_rule", 200);
    try {
      ca::parse_rule(sc.hidden_rule);
    } catch (const InputError& e) {
      s.fail("hidden_rule", e.what());
    }
    sc.exact = s.boolean("exact");
    sc.wrong = static_cast<int>(s.integer("wrong", 0, ca::kPatternCount));
    sc.unknown = static_cast<int>(s.integer("unknown", 0, ca::kPatternCount));
    const json& w = s.at("wrong_patterns");
    if (!w.is_array() || w.size() != static_cast<std::size_t>(sc.wrong))
      s.fail("wrong_patterns", fmt::format("expected an array of {} patterns", sc.wrong));
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!w[i].is_number_integer() || w[i].get<long long>() < 0 ||
          w[i].get<long long>() >= ca::kPatternCount)
        s.fail(fmt::format("wrong_patterns[{}]", i), "expected a pattern in [0, 511]");
      sc.wrong_patterns.push_back(w[i].get<int>());
    }
    if (sc.exact != (sc.wrong == 0 && sc.unknown == 0))
      s.fail("exact", "disagrees with the wrong and unknown counts");
    s.no_other_keys();
    r.score = sc;
  }
  top.no_other_keys();
  return r;
}

RoundRecord parse_round_line(const std::string& line, const std::string& source, int line_no) {
  const std::string where = fmt::format("{}:{}", source, line_no);
  const json j = parse_json(line, where, "");
  Obj o(j, where, "");
  RoundRecord r;
  r.round = static_cast<int>(o.integer("round", 0, 1000000));
  r.trajectories = static_cast<int>(o.integer("trajectories", 0, 1000000));
  r.group = group_named(o, "group").name();
  r.symmetry = o.string("symmetry");
  r.significant_orbits = static_cast<int>(o.integer("significant_orbits", 0, ca::kPatternCount));
  r.total_orbits = static_cast<int>(o.integer("total_orbits", 0, ca::kPatternCount));
  if (r.significant_orbits > r.total_orbits)
    o.fail("significant_orbits",
           fmt::format("{} exceeds total_orbits {}", r.significant_orbits, r.total_orbits));
  r.known_entries = static_cast<int>(o.integer("known_entries", 0, ca::kPatternCount));
  r.l1 = o.is_null("l1") ? -1 : o.number("l1", 0, 1);  // null: no nets that round
  r.l2 = o.number("l2", 0, 1);
  r.one_step = o.number("one_step", 0, 1);
  r.train_steps = static_cast<int>(o.integer("train_steps", 0, 2000000000));
  r.converged = o.boolean("converged");
  r.train_seconds = o.number("seconds", 0, 1e9);
  r.certify_error = o.is_null("certify_error") ? -1 : o.number("certify_error", 0, 1);
  // Fields added with the halting policies; absent from older run directories.
  auto optional_number = [&](const char* key, double& into) {
    if (o.present(key) && !o.is_null(key)) into = o.number(key, 0, 1);
  };
  if (o.present("support")) r.support = o.string("support", 200);
  if (o.present("nets_trained")) r.nets_trained = o.boolean("nets_trained");
  optional_number("l1_plain", r.l1_plain);
  optional_number("l1_group", r.l1_group);
  if (o.present("rejected_group")) r.rejected_group = o.string("rejected_group", 200);
  optional_number("prequential_error", r.prequential_error);
  optional_number("noise_rate", r.noise_rate);
  optional_number("misread_rate", r.misread_rate);
  optional_number("risk_bound", r.risk_bound);
  r.decision = o.string("decision", 1000);
  o.no_other_keys();
  return r;
}

std::vector<RoundRecord> parse_rounds(const std::string& text, const std::string& source) {
  std::vector<RoundRecord> out;
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    RoundRecord r = parse_round_line(line, source, line_no);
    if (r.round != static_cast<int>(out.size()))
      throw InputError(fmt::format("{}:{}: round: {}, expected {} (rounds are numbered in order)",
                                   source, line_no, r.round, out.size()));
    out.push_back(std::move(r));
  }
  return out;
}

RunContents load_run(const std::string& dir, bool with_trajectories) {
  const RunDir run = RunDir::open(dir);
  RunContents c;
  c.dir = dir;
  c.config_text = run.read_config();
  c.config = parse_config(c.config_text, run.file("config.yaml"));
  const provider::TrajectoryStore store(dir, run_shape(c.config));
  if (with_trajectories) {
    c.trajectories = store.load();
    c.trajectory_count = static_cast<int>(c.trajectories.size());
  } else {
    c.trajectory_count = store.count();
  }
  if (run.has("rounds.jsonl"))
    c.rounds = parse_rounds(run.read("rounds.jsonl"), run.file("rounds.jsonl"));
  if (run.has("rule.json")) c.rule = parse_rule_json(run.read("rule.json"), run.file("rule.json"));
  // The files must tell one story: a round or the rule that used more trajectories than are
  // stored, or a finished run whose rounds are not all there, is a damaged directory (an
  // emptied rounds.jsonl, a round claiming 99 trajectories, had been shown as they were).
  for (std::size_t k = 0; k < c.rounds.size(); ++k)
    if (c.rounds[k].trajectories > c.trajectory_count)
      throw InputError(fmt::format("{}:{}: trajectories: {} used, but the run directory holds {}",
                                   run.file("rounds.jsonl"), k + 1, c.rounds[k].trajectories,
                                   c.trajectory_count));
  if (c.rule) {
    if (c.rule->trajectories > c.trajectory_count)
      throw InputError(fmt::format("{}: trajectories: {} used, but the run directory holds {}",
                                   run.file("rule.json"), c.rule->trajectories,
                                   c.trajectory_count));
    if (c.rule->rounds != static_cast<int>(c.rounds.size()))
      throw InputError(fmt::format("{}: {} rounds, but rule.json says {}", run.file("rounds.jsonl"),
                                   c.rounds.size(), c.rule->rounds));
  }
  return c;
}

}  // namespace carl::experiment
