#include "experiment/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <type_traits>

#include "ca/error.h"
#include "ca/rulestring.h"
#include "experiment/yaml_section.h"
#include "groups/subgroup.h"
#include "provider/error.h"
#include "provider/limits.h"

namespace carl::experiment {

std::string run_name_problem(const std::string& n) {
  if (n.empty() || n.find('/') != std::string::npos || n == "." || n == "..")
    return "must be a non-empty name without '/'";
  if (n.size() > 200) return "longer than 200 bytes";
  // Valid UTF-8 all through (nlohmann's JSON writer refuses anything else, once the provider has
  // been asked), and no control character.
  for (std::size_t i = 0; i < n.size();) {
    const std::size_t len = utf8_length(n, i);
    if (len == 0) return "is not valid UTF-8";
    if (is_control(n, i, len))
      return len == 1   ? "must not contain control characters (NUL, newline ...)"
             : len == 2 ? "must not contain control characters (U+0080 to U+009F)"
                        : "must not contain direction controls (U+200E, U+200F, U+202A to "
                          "U+202E, U+2066 to U+2069)";
    i += len;
  }
  return "";
}

namespace {
// The key of a top-level section (`learner:`) where the config has one, else the root: an error
// about the section as a whole names the key's line, not its first entry's.
YAML::Node section_key(const YAML::Node& root, const char* name) {
  if (root.IsMap())
    for (const auto& kv : root)
      if (kv.first.IsScalar() && kv.first.Scalar() == name) return kv.first;
  return root;
}

// The keys of the learner, extractor, stopping and output sections with their checks, in
// docs/config.md's order: visit(key, value, check), check a Check or nullptr (a choice and the
// symmetry method check their own words). parse_config reads the keys from this one list and
// config_entries compares them, so no key is read that a resumed run would not compare.
template <class L, class Visit>
void visit_learner(L& ls, Visit&& visit) {
  visit("width", ls.net.width, in_range(1, 1024));
  visit("depth", ls.net.depth, in_range(0, 16));
  visit("activation", ls.net.activation, nullptr);
  visit("objective", ls.train.objective, nullptr);
  visit("optimizer", ls.train.optimizer, nullptr);
  visit("learning_rate", ls.train.learning_rate, in_range(1e-7, 10.0));
  visit("weight_decay", ls.train.weight_decay, in_range(0.0, 1.0));
  visit("max_steps", ls.train.max_steps, in_range(1, 10000000));
  visit("fit_confidence", ls.train.fit_confidence, in_range(0.5, 1.0));
  visit("min_agreement", ls.train.min_agreement, in_range(0.0, 1.0));
  visit("committee", ls.committee, in_range(1, 64));
  visit("symmetry", ls.symmetry, nullptr);
  visit("min_evidence", ls.min_evidence, in_range(0, 100000));
  visit("device", ls.device, nullptr);
  visit("seed", ls.seed, nullptr);
}

template <class E, class Visit>
void visit_extractor(E& e, Visit&& visit) {
  visit("significance", e.significance, in_range(0.5, 1.0));
}

template <class S, class Visit>
void visit_stopping(S& so, Visit&& visit) {
  visit("policy", so.policy, nullptr);
  visit("min_symmetry_pairs", so.min_symmetry_pairs, in_range(0, 100000));
  visit("delta", so.delta, in_range(0.0, 1.0));
  visit("confidence", so.confidence, in_range(0.5, 0.999999));
  visit("noise_epsilon", so.noise_epsilon, in_range(0.0, 1000.0));
  visit("certify_on", so.certify_on, nullptr);
  visit("tolerance", so.tolerance, in_range(0.0, 1.0));
  visit("noise_floor", so.noise_floor, nullptr);
  visit("verify_generalized", so.verify_generalized, nullptr);
  visit("epsilon", so.epsilon, in_range(0.0, 1.0));
  visit("l1_threshold", so.l1_threshold, in_range(0.0, 1.0));
  visit("l2_threshold", so.l2_threshold, in_range(0.0, 1.0));
  visit("max_trajectories", so.max_trajectories, in_range(1, 100000));
  visit("max_rounds", so.max_rounds, in_range(1, 1000000));
}

template <class O, class Visit>
void visit_output(O& o, Visit&& visit) {
  visit("runs_dir", o.runs_dir, Check<std::string>([](const std::string& d) -> std::string {
          return d.empty() ? "must not be empty (the default is runs)" : "";
        }));
  visit("checkpoint", o.checkpoint, nullptr);
  visit("report", o.report, nullptr);
}

// Reads a visited key from section s.
auto reader(YamlSection& s) {
  return [&s](const char* key, auto& value, auto check) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_enum_v<T>) {
      s.choice(key, value);
    } else if constexpr (std::is_same_v<T, learner::SymmetryMethod>) {
      std::string word = value.name();
      s.field<std::string>(key, word, parsed_by(learner::SymmetryMethod::parse));
      value = learner::SymmetryMethod::parse(word);
    } else {
      s.field<T>(key, value, check);
    }
  };
}
}  // namespace

Config parse_config(const std::string& yaml_text, const std::string& source, bool need_provider) {
  const YAML::Node root = load_yaml(yaml_text, source);
  Config c;
  c.source = source;
  c.name = std::filesystem::path(source).stem().string();
  YamlSection top(root, "", source, "the config");
  const bool named = top.field<std::string>("name", c.name, run_name_problem);
  if (const std::string problem = run_name_problem(c.name); !named && !problem.empty())
    throw InputError(
        fmt::format("{}: the run's name '{}', the file's stem, {}; give the config a "
                    "`name:`",
                    printable(source), printable(c.name), problem));

  const YAML::Node pnode = top.child("provider");
  YamlSection p(pnode, "provider", source);
  ProviderSettings& ps = c.provider;
  // The world's parameters, as provider/parameters.h declares them (rule is optional here: an
  // external command may serve instead, checked below).
  provider::visit_parameters(
      static_cast<provider::WorldParameters&>(ps), [&](const auto& parameter, auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_enum_v<T>)
          p.choice(parameter.name, value);
        else
          p.field<T>(parameter.name, value,
                     [parameter](const T& v) -> std::string { return parameter.problem(v); });
      });
  p.field<std::vector<std::string>>(
      "command", ps.command, [](const std::vector<std::string>& argv) -> std::string {
        if (!argv.empty() && argv[0].empty()) return "the program (its first element) is empty";
        if (!argv.empty() && argv[0].size() >= PATH_MAX)
          return fmt::format(
              "the program (its first element) is {} bytes long, over the {} a "
              "path can have",
              argv[0].size(), PATH_MAX - 1);
        return "";
      });
  p.choice("protocol", ps.protocol);
  p.field<double>("timeout", ps.timeout_s, in_range(0.01, 86400.0));
  p.reject_unknown();
  try {  // refused here rather than grown into by the provider (provider/limits.h)
    provider::require_fits(trajectory_bytes(ps),
                           fmt::format("provider: a trajectory of {} frames of {}x{} (HxW)",
                                       ps.steps + 1, ps.height, ps.width));
  } catch (const InputError& e) {
    throw p.error(section_key(root, "provider"), e.what());
  }
  if ((!ps.rule.empty() && !ps.command.empty()) ||
      (need_provider && ps.rule.empty() && ps.command.empty()))
    throw p.error(section_key(root, "provider"),
                  "provider: give exactly one of 'rule' (built-in provider) and 'command' "
                  "(external provider argv)");

  const YAML::Node lnode = top.child("learner");
  YamlSection l(lnode, "learner", source);
  LearnerSettings& ls = c.learner;
  visit_learner(ls, reader(l));
  l.reject_unknown();
  try {  // the committee (and round 0's plain net) trained together, refused here if too large
    provider::require_fits(learner::training_bytes(ls.net, ls.committee + 1),
                           fmt::format("learner: a committee of {} nets of width {} and depth {}",
                                       ls.committee, ls.net.width, ls.net.depth));
  } catch (const InputError& e) {
    throw l.error(section_key(root, "learner"), e.what());
  }

  YamlSection e(top.child("extractor"), "extractor", source);
  visit_extractor(c.extractor, reader(e));
  e.reject_unknown();

  YamlSection st(top.child("stopping"), "stopping", source);
  visit_stopping(c.stopping, reader(st));
  st.reject_unknown();

  YamlSection o(top.child("output"), "output", source);
  visit_output(c.output, reader(o));
  o.reject_unknown();
  top.reject_unknown();
  return c;
}

std::uint64_t trajectory_bytes(const ProviderSettings& s) {
  const provider::Shape shape{s.height, s.width, s.steps, s.mode};
  return std::max(provider::client_bytes(shape), provider::provider_bytes(shape, s.world_scale));
}

provider::ProviderOptions provider_options(const ProviderSettings& s) {
  provider::ProviderOptions o;
  static_cast<provider::WorldParameters&>(o) = s;
  return o;
}

namespace {
// The end of the YAML scalar token that starts at `pos` (plain, 'single' or "double" quoted).
std::size_t scalar_token_end(const std::string& text, std::size_t pos, const std::string& value) {
  if (pos >= text.size()) return std::string::npos;
  if (text[pos] == '"') {
    for (std::size_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] == '\\')
        ++i;
      else if (text[i] == '"')
        return i + 1;
    }
    return std::string::npos;
  }
  if (text[pos] == '\'') {
    for (std::size_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] != '\'') continue;
      if (i + 1 < text.size() && text[i + 1] == '\'')
        ++i;
      else
        return i + 1;
    }
    return std::string::npos;
  }
  return text.compare(pos, value.size(), value) == 0 ? pos + value.size() : std::string::npos;
}

// s as a YAML double-quoted scalar (its quotes and backslashes escaped).
std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += ch == '"' || ch == '\\' ? std::string("\\") + ch : std::string(1, ch);
  return out + "\"";
}

// A relative provider program (a '/' in it, not first) is rewritten as an absolute path.
void resolve_provider_program(ConfigFile& file, const std::string& path) {
  const auto& command = file.config.provider.command;
  if (command.empty() || command[0].empty() || command[0][0] == '/' ||
      command[0].find('/') == std::string::npos)
    return;  // absolute, or a bare name looked up on PATH
  // absolute(path) first: a config named without a directory ("x.yaml") has an empty
  // parent_path, which std::filesystem::absolute refuses. Every link on the way to the program
  // (the config's directory and the command's own folders, as far as they exist) is resolved
  // before a '..' is taken away, so that '..' goes where the system would go; the program itself
  // is named as written (a link to it stays a link: its argv[0] is unchanged).
  const auto program_path = std::filesystem::absolute(path).parent_path() / command[0];
  std::error_code ec;
  const auto folder = std::filesystem::weakly_canonical(program_path.parent_path(), ec);
  const std::string resolved = ec ? program_path.lexically_normal().string()
                                  : (folder / program_path.filename()).lexically_normal().string();
  const YAML::Node program = YAML::Load(file.text)["provider"]["command"][0];
  const auto begin = static_cast<std::size_t>(program.Mark().pos);
  const std::size_t end = scalar_token_end(file.text, begin, command[0]);
  if (end == std::string::npos)
    throw InputError(
        fmt::format("{}:{}: provider.command: cannot resolve '{}' against the config "
                    "file's directory; give an absolute path",
                    path, program.Mark().line + 1, printable(command[0])));
  file.text.replace(begin, end - begin, double_quoted(resolved));
  file.config = parse_config(file.text, path);
}

// A config without `name:` names its run after the file's stem; the copy stored in the run
// directory is config.yaml, so the name is written into it, or a resumed run would be "config".
// Written before the first key (block or flow mapping); should the text not parse to the same
// config with it (a form this does not foresee), it is left as it was.
void name_the_run(ConfigFile& file, const std::string& path) {
  const YAML::Node root = YAML::Load(file.text);
  if (root["name"] || !root.IsMap() || root.size() == 0) return;
  const std::string line = "name: " + double_quoted(file.config.name);
  const YAML::Mark first = root.begin()->first.Mark();
  // yaml-cpp's positions do not count a byte-order mark.
  const std::size_t bom = file.text.rfind("\xef\xbb\xbf", 0) == 0 ? 3 : 0;
  const bool flow = root.Style() == YAML::EmitterStyle::Flow;
  // Before the first key; else (an explicit `? key`) at the top of a block mapping.
  std::vector<std::pair<std::size_t, std::string>> tries;
  if (first.pos >= 0)
    tries.push_back(
        {std::size_t(first.pos) + bom,
         line + (flow ? ", " : "\n" + std::string(std::size_t(std::max(first.column, 0)), ' '))});
  if (!flow) tries.push_back({bom, line + "\n"});
  for (const auto& [at, insert] : tries) {
    if (at > file.text.size()) continue;
    std::string text = file.text;
    text.insert(at, insert);
    try {
      Config named = parse_config(text, path);
      if (named.name != file.config.name ||
          !config_difference(named, file.config, false).key.empty())
        continue;
      file.text = std::move(text);
      file.config = std::move(named);
      return;
    } catch (const std::exception&) {
    }
  }
}
}  // namespace

ConfigFile read_config_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw InputError(fmt::format("{}: cannot open the config file", path));
  std::stringstream s;
  s << f.rdbuf();
  ConfigFile file{s.str(), parse_config(s.str(), path), s.str()};
  // What an external program speaks means nothing to the built-in provider: `protocol: rle`
  // beside a `rule` is refused in a config given to carl, not ignored. (Checked here, not in
  // parse_config: a run directory's stored copy from before still loads.)
  if (!file.config.provider.rule.empty() &&
      file.config.provider.protocol != ProviderProtocol::carl) {
    const YAML::Node root = load_yaml(file.as_read, path);
    const YAML::Node protocol = root["provider"]["protocol"];
    throw InputError(
        fmt::format("{}{}: provider.protocol: applies to an external provider's "
                    "`command`, not to the built-in provider's `rule`",
                    printable(path), protocol ? fmt::format(":{}", protocol.Mark().line + 1) : ""));
  }
  resolve_provider_program(file, path);
  name_the_run(file, path);
  return file;
}

Config load_config(const std::string& path) {
  return read_config_file(path).config;
}

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + printable(a);
  return "[" + out + "]";
}

std::vector<std::pair<std::string, std::string>> config_entries(const Config& c) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const std::string& key, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, std::string>)
      out.emplace_back(key, printable(value));
    else if constexpr (std::is_same_v<T, bool>)
      out.emplace_back(key, value ? "true" : "false");
    else if constexpr (std::is_enum_v<T>)
      out.emplace_back(key, choice_name(value));
    else if constexpr (std::is_same_v<T, learner::SymmetryMethod>)
      out.emplace_back(key, value.name());
    else
      out.emplace_back(key, fmt::format("{}", value));
  };
  add("name", c.name);
  const ProviderSettings& ps = c.provider;
  provider::visit_parameters(
      static_cast<const provider::WorldParameters&>(ps),
      [&](const auto& parameter, const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {  // the rule: equal tables are equal
          std::string rule = value;
          try {
            if (!rule.empty()) rule = ca::emit_rule(ca::parse_rule(rule));
          } catch (const InputError&) {
          }
          add(std::string("provider.") + parameter.name, rule);
          // Then what serves instead of the built-in provider, in docs/config.md's order.
          add("provider.command", ps.command.empty() ? std::string() : command_text(ps.command));
          add("provider.protocol", ps.protocol);
        } else {
          add(std::string("provider.") + parameter.name, value);
        }
      });
  add("provider.timeout", ps.timeout_s);
  auto lister = [&](std::string section) {
    return [&add, section](const char* key, const auto& value, auto) {
      add(section + "." + key, value);
    };
  };
  visit_learner(c.learner, lister("learner"));
  visit_extractor(c.extractor, lister("extractor"));
  visit_stopping(c.stopping, lister("stopping"));
  visit_output(c.output, lister("output"));
  return out;
}

ConfigDifference config_difference(const Config& a, const Config& b, bool ignore_placement) {
  const auto ea = config_entries(a), eb = config_entries(b);
  CARL_CHECK(ea.size() == eb.size(), "config_entries: {} and {} entries", ea.size(), eb.size());
  for (std::size_t k = 0; k < ea.size(); ++k) {
    const std::string& key = ea[k].first;
    if (ignore_placement && (key == "name" || key == "output.runs_dir")) continue;
    if (ea[k].second != eb[k].second) return {key, ea[k].second, eb[k].second};
  }
  return {};
}

}  // namespace carl::experiment
