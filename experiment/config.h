#pragma once
// An experiment's YAML configuration. Every field, its default and its range is declared once,
// in config.cpp; unknown keys, wrong types and out-of-range values are InputErrors naming the file,
// the line and the key. docs/config.md documents the same fields.
#include <cstdint>
#include <string>
#include <vector>

#include "extractor/stopping.h"
#include "learner/net.h"
#include "provider/builtin.h"

namespace carl::experiment {

struct ProviderSettings {
  std::string rule;                  // hidden rule (built-in provider), any rulestring
  std::vector<std::string> command;  // or: an external provider's argv
  std::string protocol = "carl";     // external provider speaks: carl (protocol) | rle (frames)
  int height = 24;
  int width = 24;
  int steps = 12;  // T: frames x_0 … x_T
  double density = 0.3;
  double noise = 0.0;          // observation noise: each shown cell flipped with this probability
  std::string mode = "torus";  // torus | window
  int world_scale = 4;         // window mode: the world is this many times the window per side
  std::uint64_t seed = 1;
  bool allow_reveal = false;  // let carl score the learned rule after halting
  double timeout_s = 120;     // per reply
};

struct LearnerSettings {
  learner::NetConfig net;
  learner::TrainConfig train;
  int committee = 5;
  std::string symmetry = "data";  // data | function | kernels | fixed:<group>
  int min_evidence = 8;           // symmetry detection: pairs needed per element
  std::string device = "cpu";     // auto | cpu | cuda
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

Config load_config(const std::string& path);
// The built-in provider's options for these settings (the zoo's baselines replay them in
// process; RunSource passes the same values on carl-provider's command line).
provider::ProviderOptions provider_options(const ProviderSettings& settings);
Config parse_config(const std::string& yaml_text, const std::string& source);

}  // namespace carl::experiment
