#pragma once
// The built-in provider's command-line options, shared by `carl-provider` and `carl provide`.
#include <CLI/CLI.hpp>

#include "provider/builtin.h"

namespace carl::apps {

inline void add_provider_options(CLI::App& app, provider::ProviderOptions& o) {
  app.add_option("--rule", o.rule, "hidden rule (B/S, Hensel or MAP rulestring)")->required();
  app.add_option("--height", o.height, "grid height H")->capture_default_str();
  app.add_option("--width", o.width, "grid width W")->capture_default_str();
  app.add_option("--steps", o.steps, "trajectory length T (T+1 frames)")->capture_default_str();
  app.add_option("--density", o.density, "initial soup density")->capture_default_str();
  app.add_option("--noise", o.noise, "probability of flipping each shown cell")
      ->capture_default_str();
  app.add_option("--mode", o.mode, "torus, or window (H×W window of a larger torus)")
      ->capture_default_str();
  app.add_option("--world-scale", o.world_scale, "window mode: world side / window side")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seed of the soups and the noise")->capture_default_str();
  app.add_flag("--allow-reveal", o.allow_reveal, "answer REVEAL (for benchmarks that score)");
  app.add_option("--start-index", o.start_index, "number of the first trajectory served (resume)")
      ->capture_default_str();
}

// Runs the protocol on stdin/stdout; errors go to stderr as one line.
inline int run_provider(const provider::ProviderOptions& o) {
  try {
    return provider::serve(o, stdin, stdout);
  } catch (const std::exception& e) {
    std::fprintf(stdout, "ERROR %s\n", e.what());
    std::fflush(stdout);
    std::fprintf(stderr, "carl-provider: %s\n", e.what());
    return 2;
  }
}

}  // namespace carl::apps
