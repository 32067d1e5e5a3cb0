#pragma once
// An experiment's YAML configuration. Every key and its range is listed once, in config.cpp (its
// default is the settings struct's); unknown keys, wrong types and out-of-range values are
// InputErrors naming the file, the line and the key. docs/config.md documents the same fields.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "extractor/stopping.h"
#include "learner/net.h"
#include "learner/symmetry.h"
#include "provider/builtin.h"
#include "provider/parameters.h"

namespace carl::experiment {

// The hidden world's parameters (rule, height, width, steps, density, noise, mode, world_scale,
// seed, allow_reveal: declared once, in provider/parameters.h) and how carl reaches the provider.
// What an external provider speaks: the carl protocol (docs/provider-protocol.md), or RLE frames
// printed once per request (the RLE adapter).
enum class ProviderProtocol { carl, rle };
inline constexpr std::pair<ProviderProtocol, const char*> kProviderProtocolWords[] = {
    {ProviderProtocol::carl, "carl"}, {ProviderProtocol::rle, "rle"}};
constexpr const auto& choice_words(ProviderProtocol) {
  return kProviderProtocolWords;
}

struct ProviderSettings : provider::WorldParameters {
  std::vector<std::string> command;  // instead of rule: an external provider's argv
  ProviderProtocol protocol = ProviderProtocol::carl;
  double timeout_s = 120;  // per reply
};

struct LearnerSettings {
  learner::NetConfig net;
  learner::TrainConfig train;
  int committee = 5;
  learner::SymmetryMethod symmetry;
  int min_evidence = 8;  // symmetry detection: pairs needed per element
  learner::Device device = learner::Device::cpu;
  std::uint64_t seed = 1;
};

struct ExtractorSettings {
  double significance = 0.9;  // τ
};

struct OutputSettings {
  std::string runs_dir = "runs";
  bool checkpoint = true;  // save the committee's nets each round
  bool report = true;      // carl run ends with report.html and the pictures (report/)
};

struct Config {
  std::string name;    // run name; default: the config file's stem
  std::string source;  // the file it was read from
  ProviderSettings provider;
  LearnerSettings learner;
  ExtractorSettings extractor;
  extractor::StoppingOptions stopping;
  OutputSettings output;
};

// A config file as read from disk. `text` is the file's text, except that a relative provider
// program (provider.command's first word, when it holds a '/') is rewritten as an absolute path,
// resolved against the config file's directory: the config works from any working directory, and
// the copy stored in a run directory names the same program wherever the run is resumed from; and
// a file without `name:` gets one, its stem, so that the stored copy (config.yaml) keeps the
// run's name when resumed.
struct ConfigFile {
  std::string text;  // as stored in a run directory: the program resolved, the name written in
  Config config;
  std::string as_read;  // the file's own text, whose lines a later error names
};
ConfigFile read_config_file(const std::string& path);
Config load_config(const std::string& path);  // read_config_file(path).config
// The built-in provider's options for these settings (the zoo's baselines replay them in
// process; RunSource passes the same values on carl-provider's command line).
provider::ProviderOptions provider_options(const ProviderSettings& settings);
// What is wrong with `name` as a run's name (its directory under output.runs_dir, and what carl
// prints), or "" when nothing is: it must be non-empty, at most 200 bytes of valid UTF-8, without
// '/', not "." or "..", and without control characters (C0, DEL, or C1 such as the 8-bit CSI).
std::string run_name_problem(const std::string& name);
// need_provider false: a config without provider.rule and provider.command is accepted (carl learn
// replaces the provider section); giving both is still an error.
Config parse_config(const std::string& yaml_text, const std::string& source,
                    bool need_provider = true);
// The memory one trajectory of these settings needs, on carl's side or the built-in provider's,
// whichever is more (provider/limits.h): what parse_config checks against the memory limit.
std::uint64_t trajectory_bytes(const ProviderSettings& settings);

// Every key of the config file (as docs/config.md names them, `provider.rule` …) with its
// value as parsed, in the file's order: two configs that run alike give equal lists, whatever
// their text (a key left out or given its default; `B3/S23` or `S23/B3`; 0.10 or 0.1).
std::vector<std::pair<std::string, std::string>> config_entries(const Config& config);

// A provider command as messages show it: "[program arg …]", each element through printable.
std::string command_text(const std::vector<std::string>& argv);

// The first key whose parsed value differs between `a` and `b`, as {key, a's value, b's value};
// {} when none does. `name` and `output.runs_dir` are not compared when `ignore_placement`: they
// only say where a fresh run's directory goes.
struct ConfigDifference {
  std::string key, a, b;
};
ConfigDifference config_difference(const Config& a, const Config& b, bool ignore_placement);

}  // namespace carl::experiment
