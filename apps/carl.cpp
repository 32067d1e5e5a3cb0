// carl: recover the hidden rule of a cellular automaton. A thin front-end over the libraries.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "apps/provider_cli.h"
#include "ca/error.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "experiment/config.h"

namespace {

using namespace carl;

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.flush();
  if (!f) throw InputError(fmt::format("{}: cannot write", path.string()));
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("{}: cannot open", path));
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

int cmd_rule(const std::string& rulestring) {
  const ca::RuleTable t = ca::parse_rule(rulestring);
  const std::string family = ca::is_outer_totalistic(t) ? "outer-totalistic (B/S)"
                             : ca::is_isotropic(t)      ? "isotropic non-totalistic (Hensel)"
                                                        : "no D4 symmetry assumed (MAP)";
  fmt::print("canonical: {}\nfamily:    {}\nMAP:       {}\n", ca::emit_rule(t), family,
             ca::emit_map(t));
  return 0;
}

int cmd_simulate(const std::string& rule, const std::string& in, int soup_h, int soup_w,
                 double density, std::uint64_t seed, int steps, const std::string& out,
                 bool whole) {
  const ca::RuleTable table = ca::parse_rule(rule);
  const ca::Grid x0 = in.empty() ? ca::random_soup(soup_h, soup_w, density, seed)
                                 : ca::read_rle(read_text(in), in).grid;
  const ca::Stepper stepper(table);
  const std::string canonical = ca::emit_rule(table);
  std::string text;
  if (whole) {
    text = ca::trajectory_to_rle(stepper.trajectory(x0, steps), canonical);
  } else {
    text = ca::write_rle(stepper.evolve(x0, steps), canonical, fmt::format("generation {}", steps));
  }
  if (out.empty() || out == "-")
    std::fwrite(text.data(), 1, text.size(), stdout);
  else
    write_text(out, text);
  return 0;
}

// Until the learning loop exists (issue 6), `run` plays the provider's part only: it simulates
// one trajectory of the hidden rule into the run directory and says so.
int cmd_run(const std::string& config_path) {
  const experiment::Config cfg = experiment::load_config(config_path);
  const auto& p = cfg.provider;
  if (!p.command.empty())
    throw InputError(
        fmt::format("{}: external providers need the provider client, which is not "
                    "built yet",
                    config_path));
  const std::filesystem::path dir = std::filesystem::path(cfg.output.runs_dir) / cfg.name;
  std::filesystem::create_directories(dir);
  write_text(dir / "config.yaml", read_text(config_path));
  const ca::RuleTable hidden = ca::parse_rule(p.rule);
  const ca::Trajectory t =
      ca::simulate(hidden, ca::random_soup(p.height, p.width, p.density, p.seed), p.steps);
  write_text(dir / "trajectory-000.rle", ca::trajectory_to_rle(t));
  std::size_t pop_first = t.frames.front().population(), pop_last = t.frames.back().population();
  fmt::print("run {}: hidden rule {} on a {}x{} torus, {} steps, density {}, seed {}\n", cfg.name,
             ca::emit_rule(hidden), p.height, p.width, p.steps, p.density, p.seed);
  fmt::print("  simulated one trajectory: population {} -> {}; frames in {}\n", pop_first, pop_last,
             (dir / "trajectory-000.rle").string());
  fmt::print(
      "  note: the learning loop (learner, extractor) is not built yet; this run only\n"
      "  simulates the hidden rule.\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"carl: recover the hidden rule of a cellular automaton"};
  app.require_subcommand(1);

  std::string rulestring;
  auto* rule = app.add_subcommand("rule", "Parse a rulestring and print its canonical forms");
  rule->add_option("rulestring", rulestring, "B/S, Hensel or MAP rulestring")->required();

  std::string sim_rule, sim_in, sim_out, soup = "64x64";
  double density = 0.5;
  std::uint64_t seed = 1;
  int steps = 1;
  bool whole = false;
  auto* sim = app.add_subcommand("simulate", "Evolve a pattern on a torus");
  sim->add_option("--rule", sim_rule, "rulestring")->required();
  sim->add_option("--in", sim_in, "initial pattern (RLE); default: a random soup");
  sim->add_option("--soup", soup, "soup size HxW when no --in is given")->capture_default_str();
  sim->add_option("--density", density, "soup density")->capture_default_str();
  sim->add_option("--seed", seed, "soup seed")->capture_default_str();
  sim->add_option("--steps", steps, "generations")->capture_default_str();
  sim->add_flag("--trajectory", whole, "write every frame, not only the last");
  sim->add_option("-o,--out", sim_out, "output RLE file (default: stdout)");

  std::string config;
  auto* run = app.add_subcommand("run", "Run an experiment from a YAML config");
  run->add_option("config", config, "experiment config (YAML)")
      ->required()
      ->check(CLI::ExistingFile);

  carl::provider::ProviderOptions provider_options;
  auto* provide =
      app.add_subcommand("provide", "Serve trajectories of a hidden rule (as carl-provider)");
  carl::apps::add_provider_options(*provide, provider_options);

  CLI11_PARSE(app, argc, argv);
  if (*provide) return carl::apps::run_provider(provider_options);
  try {
    if (*rule) return cmd_rule(rulestring);
    if (*sim) {
      int h = 0, w = 0;
      if (std::sscanf(soup.c_str(), "%dx%d", &h, &w) != 2 || h < 1 || w < 1)
        throw InputError(fmt::format("--soup '{}': expected HxW, e.g. 64x64", soup));
      return cmd_simulate(sim_rule, sim_in, h, w, density, seed, steps, sim_out, whole);
    }
    if (*run) return cmd_run(config);
  } catch (const InputError& e) {
    fmt::print(stderr, "carl: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "carl: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
