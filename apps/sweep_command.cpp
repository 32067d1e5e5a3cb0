#include "apps/sweep_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "sweep/workers.h"

namespace carl::apps {

SweepCommand::SweepCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "sweep",
          "Run a sweep of rule × regime × seed × setting jobs (resumable; under mpirun, across "
          "ranks)")) {
  command_->add_option("sweep_file", options_.sweep_file, "sweep file (YAML, docs/sweep.md)")
      ->required()
      ->check(CLI::ExistingFile);
  command_->add_option("--out", options_.out_dir,
                       "output directory; started again on it, the sweep resumes (default: "
                       "sweeps/NAME)");
  command_
      ->add_option("--jobs", options_.jobs,
                   "jobs at once in this process (under mpirun: on rank 0, beside handing out "
                   "jobs; 0 there: hand out only)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  command_->add_flag("--worker", worker_, "(internal) serve jobs on stdin/stdout")->group("");
}

bool SweepCommand::chosen() const {
  return command_->parsed();
}

int SweepCommand::run(const std::string& provider_exe) {
  options_.provider_exe = provider_exe;
  if (worker_) return sweep::serve_jobs(options_.sweep_file, provider_exe);
  if (command_->count("--out") > 0 && options_.out_dir.empty())
    throw InputError("--out '': give a directory, or leave --out out for sweeps/NAME");
  // --jobs N: N worker processes of this same carl (sweep/workers.h says why not threads).
  options_.worker_command = {sweep::this_program(), "sweep", options_.sweep_file, "--worker"};
  const sweep::SweepResult r = sweep::run_sweep(options_);
  if (r.summary_md.empty()) return 0;  // an MPI rank other than 0
  fmt::print("{} jobs ({} run now); records: {}/records.jsonl\nwritten: {} and summary.html\n",
             r.jobs, r.ran, terminal_safe(r.out_dir), terminal_safe(r.summary_md));
  return 0;
}

}  // namespace carl::apps
