#pragma once
// `carl sweep SWEEP.yaml [--jobs N] [--out DIR]` (docs/sweep.md): a sweep of rule × regime ×
// seed × setting jobs, in one process or across MPI ranks, resumable.
#include <string>

#include "sweep/sweep.h"

namespace CLI {
class App;
}

namespace carl::apps {

class SweepCommand {
 public:
  explicit SweepCommand(CLI::App& app);  // adds the subcommand to app
  bool chosen() const;
  // Runs the sweep and prints where its summary is; InputError for bad input.
  int run(const std::string& provider_exe);

 private:
  CLI::App* command_;
  sweep::SweepOptions options_;
  bool worker_ = false;
};

}  // namespace carl::apps
