// carl: recover the hidden rule of a cellular automaton. A thin front-end over the libraries.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "apps/provider_cli.h"
#include "apps/sweep_command.h"
#include "ca/error.h"
#include "ca/files.h"
#include "ca/naming.h"
#include "ca/rle.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "experiment/config.h"
#include "experiment/learn.h"
#include "experiment/run.h"
#include "experiment/run_dir.h"
#include "groups/invariance.h"
#include "learner/net.h"
#include "provider/error.h"
#include "provider/limits.h"
#include "report/from_run.h"
#include "report/zoo_page.h"
#include "sweep/workers.h"
#include "sweep/zoo.h"

namespace {

// A line on stderr that never throws: a message that cannot be written (stderr closed, full, a
// pipe whose reader is gone) must not turn an error into an abort.
void print_error(const std::string& line) noexcept {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

using namespace carl;

using ca::read_text_file;
using ca::write_text_file;

int cmd_rule(const std::string& rulestring) {
  const ca::RuleTable t = ca::parse_rule(rulestring);
  const std::string family = ca::is_outer_totalistic(t) ? "outer-totalistic (B/S)"
                             : ca::is_isotropic(t)      ? "isotropic non-totalistic (Hensel)"
                                                        : "not isotropic (MAP notation only)";
  fmt::print(
      "canonical: {}\nfamily:    {}\nsymmetry:  {} (the largest subgroup of D4 it respects)\n"
      "MAP:       {}\n",
      ca::emit_rule(t), family, groups::largest_invariant_subgroup(t).name(), ca::emit_map(t));
  return 0;
}

// The torus a pattern file is evolved on: the file's ":TW,H", else --torus WxH, else one large
// enough that no cell can reach round the torus in `steps` generations (the pattern's box plus
// steps + 1 cells on each side), where the torus agrees with Golly's unbounded plane for rules
// without B0.
ca::Grid pattern_on_torus(const std::string& in, const std::string& torus, int steps) {
  const ca::RlePattern p = ca::read_pattern(read_text_file(in), in);
  if (!torus.empty()) {
    const std::size_t x = torus.find('x');
    long w = 0, h = 0;
    auto size = [](const std::string& s, long& v) {
      if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
        return false;
      v = std::stol(s);
      return v >= 1 && v <= ca::kMaxPatternSide;
    };
    if (x == std::string::npos || !size(torus.substr(0, x), w) || !size(torus.substr(x + 1), h) ||
        w * h > ca::kMaxPatternCells)
      throw InputError(fmt::format(
          "--torus '{}': expected WxH (Golly's width, height), each 1..{}, at most {} cells",
          printable(torus), ca::kMaxPatternSide, ca::kMaxPatternCells));
    if (p.torus() && (p.torus_width != w || p.torus_height != h))
      throw InputError(fmt::format("--torus {}: {} says its torus is {}x{} (rule {})", torus,
                                   printable(in), p.torus_width, p.torus_height,
                                   printable(p.rule)));
    if (p.torus()) return p.grid;
    return ca::place_on_torus(p, static_cast<int>(h), static_cast<int>(w), in);
  }
  if (p.torus()) return p.grid;
  const long margin = static_cast<long>(std::max(steps, 0)) + 1;
  const long w = p.width + 2 * margin, h = p.height + 2 * margin;
  if (w > ca::kMaxPatternSide || h > ca::kMaxPatternSide || w * h > ca::kMaxPatternCells)
    throw InputError(fmt::format(
        "{}: no ':TW,H' torus in the rule, and one large enough for {} steps ({}x{}) is over "
        "carl's limit of {} cells: give --torus WxH",
        in, steps, w, h, ca::kMaxPatternCells));
  ca::RlePattern centred = p;
  centred.has_pos = false;  // the box in the middle of the torus
  return ca::place_on_torus(centred, static_cast<int>(h), static_cast<int>(w), in);
}

// The grid (a soup, or the torus a pattern is evolved on), the stepper's packed copies and the
// RLE text; every frame with --trajectory: refused beyond the memory limit (provider/limits.h)
// before the evolution allocates it.
void require_simulation_fits(int height, int width, int steps, bool whole, const char* grid) {
  const std::uint64_t cells =
      provider::saturating_product({std::uint64_t(height), std::uint64_t(width)});
  provider::require_fits(
      provider::saturating_product({cells, whole ? std::uint64_t(steps) + 1 : 1, 4}),
      fmt::format("carl simulate: {} of {}x{}",
                  whole ? fmt::format("{} frames", steps + 1) : std::string(grid), width, height));
}

int cmd_simulate(const std::string& rule, const std::string& in, int soup_h, int soup_w,
                 double density, std::uint64_t seed, int steps, const std::string& out, bool whole,
                 const std::string& torus) {
  const ca::RuleTable table = ca::parse_rule(rule);
  if (in.empty() && !torus.empty())
    throw InputError("--torus WxH applies to a pattern given with --in; a soup's size is --soup");
  const ca::Grid x0 = in.empty() ? ca::random_soup(soup_h, soup_w, density, seed)
                                 : pattern_on_torus(in, torus, steps);
  // A pattern's torus is known only now (--soup's size was checked with the soup).
  if (!in.empty()) require_simulation_fits(x0.height(), x0.width(), steps, whole, "a torus");
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
    write_text_file(out, text);
  return 0;
}

void checked_steps(int steps) {
  if (steps < 0 || steps > 1000000)
    throw InputError(fmt::format("--steps {}: expected 0..1000000 generations", steps));
}

// --soup WxH (width first, as --torus and Golly's "x = W, y = H") and --steps, parsed with
// overflow checks and refused beyond the memory limit (provider/limits.h) before anything is
// allocated. Returns {height, width}.
std::pair<int, int> checked_soup(const std::string& soup, int steps, bool whole) {
  const auto wh = provider::parse_dimensions(soup, 65536);
  if (!wh)
    throw InputError(
        fmt::format("--soup '{}': expected WxH (width x height), each 1..65536, "
                    "e.g. 64x48",
                    printable(soup.substr(0, 40))));
  const std::pair<int, int> hw{wh->second, wh->first};
  checked_steps(steps);
  require_simulation_fits(hw.first, hw.second, steps, whole, "a soup");
  return hw;
}

// The report of a finished run, when its stored config asks for one (output.report, on by
// default): written and named on standard output; a failure is said on stderr and leaves the
// run's exit status as it is.
void report_if_asked(const std::string& dir) {
  try {
    const auto run = carl::experiment::RunDir::open(dir);
    const auto cfg = carl::experiment::parse_config(run.read_config(), run.file("config.yaml"));
    if (!cfg.output.report) return;
    fmt::print("report: {} (carl report {})\n", terminal_safe(carl::report::report_run(dir)),
               terminal_safe(dir));
  } catch (const std::exception& e) {
    print_error(
        fmt::format("carl: the run's report was not written: {}\n", terminal_safe(e.what())));
  }
}

// carl-provider is installed beside carl.
std::string provider_exe() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto sibling = self.parent_path() / "carl-provider";
    if (std::filesystem::exists(sibling)) return sibling.string();
  }
  return "carl-provider";  // from PATH
}

// The number of single-character insertions, deletions and substitutions from a to b.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// CLI11 answers a mistyped subcommand with "A subcommand is required". Walks the words of the
// command line the way CLI11 will, and where a word stands in a subcommand's place but names
// none, returns the one-line error: the word, and the nearest valid subcommand when one is close
// (at most two edits, or the word begins it), else the list of valid ones.
std::optional<std::string> unknown_subcommand(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  std::string where = "carl";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    const auto subs = at->get_subcommands([](CLI::App*) { return true; });
    // Before any subcommand, an option carl does not have ("A subcommand is required" said CLI11).
    if (at == &app && !word.empty() && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      if (app.get_option_no_throw(name) != nullptr || name == "-h" || name == "--help")
        return std::nullopt;
      return fmt::format(
          "carl: unknown option '{}'; options follow a subcommand (carl rule, run, "
          "simulate, …; see --help)",
          printable(word));
    }
    if (word.empty() || word[0] == '-') return std::nullopt;
    if (subs.empty()) return std::nullopt;
    CLI::App* next = nullptr;
    for (CLI::App* s : subs)
      if (s->check_name(word)) next = s;
    if (next) {
      at = next;
      where += " " + word;
      continue;
    }
    if (!at->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty())
      return std::nullopt;  // the word may be a positional argument
    std::string nearest, names;
    std::size_t best = 3;
    for (CLI::App* s : subs) {
      if (s->get_group().empty()) continue;  // hidden
      const std::string& name = s->get_name();
      names += (names.empty() ? "" : ", ") + name;
      const std::size_t d = name.rfind(word, 0) == 0 ? 1 : edit_distance(word, name);
      if (d < best) best = d, nearest = name;
    }
    if (!nearest.empty())
      return fmt::format("{}: unknown command '{}'; did you mean '{}'?", printable(where),
                         printable(word), nearest);
    return fmt::format("{}: unknown command '{}' (one of: {})", printable(where), printable(word),
                       names);
  }
  return std::nullopt;
}

int run_command(int argc, char** argv);

}  // namespace

// Output that cannot be written is an error: a pattern cut short on a full disk is no success.
int main(int argc, char** argv) {
  // Nor a reader that is gone (`carl rule … | head -0`): a write gives EPIPE, and carl says so and
  // exits 2, as for a full disk, instead of dying of SIGPIPE (exit 141) half-way through a command.
  std::signal(SIGPIPE, SIG_IGN);
  int rc = 0;
  try {
    rc = run_command(argc, argv);
  } catch (const std::exception& e) {  // thrown outside run_command's own handlers
    print_error(fmt::format("carl: {}\n", terminal_safe(e.what())));
    rc = 2;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    print_error(fmt::format("carl: cannot write the standard output: {}\n", std::strerror(errno)));
    return rc == 0 ? 2 : rc;
  }
  return rc;
}

namespace {
int run_command(int argc, char** argv) {
  carl::learner::keep_freed_memory();  // see learner/net.h: faster CPU training steps
  CLI::App app{"carl: recover the hidden rule of a cellular automaton"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("carl ") + CARL_VERSION);
  // A command-line error is one line, as every other error (README.md), with what came from the
  // command line escaped (docs/reliability.md); set before the subcommands, which copy it.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("carl: {} (see --help)\n", carl::printable(e.what()));
  });

  std::string rulestring;
  auto* rule = app.add_subcommand("rule", "Parse a rulestring and print its canonical forms");
  rule->add_option("rulestring", rulestring, "B/S, Hensel or MAP rulestring")->required();
  bool apgsearch = false;
  rule->add_flag("--apgsearch", apgsearch, "print only apgsearch's lowercase form (b36s23)");

  std::string sim_rule, sim_in, sim_out, soup = "64x64";
  double density = 0.5;
  std::uint64_t seed = 1;
  int steps = 1;
  bool whole = false;
  auto* sim = app.add_subcommand("simulate", "Evolve a pattern on a torus");
  sim->add_option("--rule", sim_rule, "rulestring")->required();
  sim->add_option("--in", sim_in, "initial pattern (RLE); default: a random soup");
  sim->add_option("--soup", soup, "soup size WxH (width x height) when no --in is given")
      ->capture_default_str();
  sim->add_option("--density", density, "soup density")->capture_default_str();
  std::string seed_text = "1";  // read below with an overflow check: CLI11 wrapped -1 to 2^64-1
  sim->add_option("--seed", seed_text, "soup seed (0 to 2^64-1)")->capture_default_str();
  sim->add_option("--steps", steps, "generations")->capture_default_str();
  sim->add_flag("--trajectory", whole, "write every frame, not only the last");
  std::string sim_torus;
  sim->add_option("--torus", sim_torus,
                  "torus WxH for an --in pattern without ':TW,H' (default: large enough for "
                  "--steps)");
  sim->add_option("-o,--out", sim_out, "output RLE file (default: stdout)");

  std::string config, resume;
  auto* run = app.add_subcommand("run", "Run an experiment from a YAML config");
  run->add_option("config", config, "experiment config (YAML)")->check(CLI::ExistingFile);
  bool trust_provider = false;
  auto* resume_option =
      run->add_option("--resume", resume,
                      "continue a killed run from its directory with its stored config (CONFIG, if "
                      "given, must equal it, key for key; its provider command is then trusted)")
          ->check(CLI::ExistingDirectory);
  // Without --resume it would be ignored without a word: refused instead.
  run->add_flag("--trust-provider", trust_provider,
                "--resume: run the provider command stored in the run directory")
      ->needs(resume_option);

  std::string inspect_dir, against;
  auto* inspect = app.add_subcommand("inspect", "Show a run's rule, rounds and provenance");
  inspect->add_option("run_dir", inspect_dir, "run directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  inspect->add_option("--against", against, "list the entries that differ from this rule");

  std::string report_dir;
  auto* report = app.add_subcommand(
      "report", "Draw a run's pictures and its one-page report.html into the run directory");
  report->add_option("run_dir", report_dir, "run directory")->required();

  std::string export_dir, export_unknown = "zero";
  carl::report::ExportOptions export_options;
  auto* export_cmd = app.add_subcommand(
      "export", "A run's rule as a Golly rule file; its trajectories as RLE or GIF");
  export_cmd->add_option("run_dir", export_dir, "run directory")->required();
  auto* golly = export_cmd->add_option(
      "--golly", export_options.golly_rule,
      "write the learned table as a Golly rule file NAME.rule (@RULE + @TABLE)");
  // An option of one output given without it is refused, not ignored (docs/reliability.md).
  export_cmd
      ->add_option("--unknown", export_unknown,
                   "--golly: unknown entries written as 0 (zero) or left out, so a cell keeps "
                   "its state (omit)")
      ->check(CLI::IsMember({"zero", "omit"}))
      ->capture_default_str()
      ->needs(golly);
  export_cmd->add_option("--rle", export_options.rle_dir,
                         "one Golly-openable RLE file per frame of each stored trajectory");
  auto* gif =
      export_cmd->add_option("--gif", export_options.gif, "an animated GIF of a stored trajectory");
  export_cmd
      ->add_option("--trajectory", export_options.trajectory,
                   "--gif: which stored trajectory, from 0 (default: the last)")
      ->check(CLI::Range(0, 1000000))
      ->needs(gif);
  export_cmd->add_option("--scale", export_options.gif_scale, "--gif: pixels per cell")
      ->check(CLI::Range(1, 32))
      ->capture_default_str()
      ->needs(gif);

  carl::experiment::LearnOptions learn_options;
  int learn_no_more = -1;
  auto* learn = app.add_subcommand(
      "learn", "Learn from recorded trajectories (RLE files), with no live provider");
  learn->add_option("files", learn_options.files, "trajectory files (T+1 RLE frames each)");
  learn
      ->add_option(
          "--config", learn_options.config,
          "learner, extractor, stopping and output settings (YAML; its provider is replaced)")
      ->check(CLI::ExistingFile);
  learn->add_option("--name", learn_options.name,
                    "run name (default: the config's, else the first "
                    "file's stem)");
  // Read here, not by CLI11, whose errors name no hidden option.
  carl::apps::add_integer_option(*learn, "--no-more", learn_no_more, 0,
                                 fmt::format("[0, {}]", INT_MAX),
                                 "(internal) the stand-in provider of a learn run")
      ->group("");

  carl::sweep::ZooOptions zoo;
  auto* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  auto* zoo_cmd = bench->add_subcommand("zoo", "The rule zoo: recovery, trajectories, false halts");
  zoo_cmd->add_flag("--quick", zoo.quick, "smoke run (34 runs, ~15 s)");
  zoo_cmd->add_option("--rules", zoo.rules_per_suite, "rules per suite (default 6; quick 2)")
      ->check(CLI::Range(1, 10000));
  zoo_cmd->add_option("--seeds", zoo.seeds, "seeds per rule (default 2; quick 1)")
      ->check(CLI::Range(1, 10000));
  zoo_cmd->add_option("--suites", zoo.suites, "suites to run (default all)");
  zoo_cmd->add_option("--out", zoo.out_dir, "output directory")->capture_default_str();
  zoo_cmd
      ->add_option("--jobs", zoo.jobs,
                   "runs at once, each in a worker process of carl (the records equal --jobs 1's)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  zoo_cmd
      ->add_option("--batch", zoo.batch,
                   "runs at once in threads of this process, their committees trained in "
                   "gathered rounds: on CUDA as one stacked model, on the CPU one after the other "
                   "(no faster than --jobs there); the records equal one at a time's")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  bool zoo_worker = false;
  zoo_cmd->add_flag("--worker", zoo_worker, "(internal) serve the zoo's jobs on stdin/stdout")
      ->group("");

  carl::apps::SweepCommand sweep_command(app);

  carl::provider::ProviderOptions provider_options;
  auto* provide =
      app.add_subcommand("provide", "Serve trajectories of a hidden rule (as carl-provider)");
  carl::apps::add_provider_options(*provide, provider_options);

  // Exit codes (README.md): 0 done, 1 a run stopped by its budget, 2 bad input (CLI11's own
  // parse errors included, whatever code CLI11 gives them), 3 an internal error.
  if (const auto error = unknown_subcommand(app, argc, argv)) {
    print_error(*error + "\n");
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help and --version exit 0
  }
  if (*provide) return carl::apps::run_provider(provider_options);
  try {
    // A malformed limit is named as itself, not as the first config line that is checked against
    // it.
    if (!*rule) (void)carl::provider::memory_limit();
    if (*rule && apgsearch) {
      fmt::print("{}\n", ca::apgsearch_form(ca::emit_rule(ca::parse_rule(rulestring))));
      return 0;
    }
    if (*rule) return cmd_rule(rulestring);
    if (*sim) {
      const auto parsed_seed = carl::provider::parse_number<std::uint64_t>(seed_text);
      if (!parsed_seed)
        throw InputError(
            fmt::format("--seed '{}': not an integer in [0, 2^64-1]", printable(seed_text, 40)));
      seed = *parsed_seed;
      if (!sim_in.empty() && sim->count("--soup") > 0)
        throw InputError("--soup WxH sizes a random soup; --in gives the pattern instead");
      if (!sim_in.empty()) {  // the pattern's torus is checked once read, not the unused --soup
        checked_steps(steps);
        return cmd_simulate(sim_rule, sim_in, 0, 0, density, seed, steps, sim_out, whole,
                            sim_torus);
      }
      const auto [h, w] = checked_soup(soup, steps, whole);
      return cmd_simulate(sim_rule, sim_in, h, w, density, seed, steps, sim_out, whole, sim_torus);
    }
    if (*run) {  // ends with the run's report when it returns (not when it fails with an error)
      std::string dir = resume;
      int rc = 0;
      if (!resume.empty()) {
        rc = carl::experiment::resume_experiment(resume, provider_exe(), {config, trust_provider});
      } else {
        if (config.empty()) throw InputError("carl run: give a config file or --resume RUN_DIR");
        rc = carl::experiment::run_experiment(config, provider_exe(), &dir);
      }
      if (std::filesystem::exists(dir + "/rule.json")) report_if_asked(dir);
      return rc;
    }
    if (*report) {
      fmt::print("written: {}\n", terminal_safe(carl::report::report_run(report_dir)));
      return 0;
    }
    if (*export_cmd) {
      export_options.unknown = export_unknown == "omit" ? carl::report::UnknownEntries::omit
                                                        : carl::report::UnknownEntries::zero;
      return carl::report::export_run(export_dir, export_options);
    }
    if (*learn && learn_no_more >= 0)
      throw InputError(fmt::format(
          "carl learn: only the {} recorded trajectories exist; there is no provider to ask",
          learn_no_more));
    if (*learn && learn->count("--name") > 0 && learn_options.name.empty())
      throw InputError("--name '': must be a non-empty name without '/'");
    if (*learn) {
      learn_options.no_provider = carl::experiment::learn_stand_in(learn_options.files.size());
      std::string dir;
      const int rc = carl::experiment::learn_from_files(learn_options, &dir);
      report_if_asked(dir);
      return rc;
    }
    if (*inspect)
      return carl::experiment::inspect_run(
          inspect_dir, inspect->count("--against") ? std::optional(against) : std::nullopt);
    if (sweep_command.chosen()) return sweep_command.run(provider_exe());
    if (*zoo_cmd) {
      zoo.provider_exe = provider_exe();
      if (zoo_worker) return carl::sweep::serve_zoo_jobs(zoo);
      // --jobs N: N worker processes of this same carl, given the options that define the jobs.
      zoo.worker_command = {carl::sweep::this_program()};
      for (const std::string& a : carl::sweep::zoo_worker_arguments(zoo))
        zoo.worker_command.push_back(a);
      const std::string md = carl::sweep::run_zoo(zoo);
      const std::string table = read_text_file(md);
      std::fwrite(table.data(), 1, table.size(), stdout);
      fmt::print("written: {} and .json\n", terminal_safe(md));
      // The zoo's page (report/zoo_page.h), from the JSON beside the Markdown.
      fmt::print("page: {}\n", terminal_safe(carl::report::write_zoo_page(
                                   md.substr(0, md.size() - std::string(".md").size()) + ".json")));
      return 0;
    }
  } catch (const InputError& e) {
    print_error(fmt::format("carl: {}\n", terminal_safe(e.what())));
    return 2;
  } catch (const std::bad_alloc&) {
    // What the up-front estimates (provider/limits.h) did not foresee: the machine's memory, or
    // an address-space limit, ran out.
    print_error(
        "carl: out of memory (lower the sizes in the config, or raise the process's memory "
        "limit)\n");
    return 2;
  } catch (const std::system_error& e) {
    // fmt's print to stdout that the system refused (a full disk, a closed pipe).
    if (std::string_view(e.what()).rfind("cannot write to file", 0) == 0) {
      print_error(fmt::format("carl: cannot write the standard output: {}\n",
                              terminal_safe(e.code().message())));
      return 2;
    }
    print_error(fmt::format("carl: internal error: {}\n", terminal_safe(e.what())));
    return 3;
  } catch (const std::exception& e) {
    print_error(fmt::format("carl: internal error: {}\n", terminal_safe(e.what())));
    return 3;
  }
  return 0;
}
}  // namespace
