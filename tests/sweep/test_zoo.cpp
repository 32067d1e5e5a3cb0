// The zoo's --quick mode on two rules: the report's structure, and numbers that add up.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "experiment/loop.h"
#include "support.h"
#include "sweep/sweep.h"
#include "sweep/zoo.h"

using nlohmann::json;

TEST_CASE("carl bench zoo --quick on two rules", "[zoo]") {
  carl::test::TempDir dir;
  carl::sweep::ZooOptions o;
  o.quick = true;
  o.suites = {"named"};
  o.rules_per_suite = 2;
  o.out_dir = dir.path();
  o.provider_exe = CARL_PROVIDER_EXE;
  const std::string md_path = carl::sweep::run_zoo(o);
  REQUIRE(md_path == dir.path() + "/zoo-quick.md");
  const json j = json::parse(carl::ca::read_text_file(dir.path() + "/zoo-quick.json"));

  // Two rules × one seed × (the certified and risk policies + the seed policy) on the scarce
  // regime.
  const json& runs = j.at("runs");
  REQUIRE(runs.size() == 6);
  for (const json& r : runs) {
    for (const char* key : {"suite",
                            "rule",
                            "regime",
                            "setting",
                            "exact",
                            "wrong_entries",
                            "unknown_entries",
                            "trajectories",
                            "halted",
                            "false_halt",
                            "reason",
                            "group_detected",
                            "group_true",
                            "seconds",
                            "provider_seconds",
                            "learning_seconds",
                            "count",
                            "count_g",
                            "confidently_wrong_by_round",
                            "policy",
                            "stated_bound",
                            "heldout_error",
                            "heldout_error_dense",
                            "generalized_entries",
                            "behaviour"})
      REQUIRE(r.contains(key));
    const bool exact = r["exact"];
    REQUIRE(exact == (r["wrong_entries"] == 0 && r["unknown_entries"] == 0));
    REQUIRE(r["false_halt"] == (r["halted"].get<bool>() && !exact));
    REQUIRE(r["trajectories"].get<int>() >= 1);
    REQUIRE(r["provider_seconds"].get<double>() + r["learning_seconds"].get<double>() ==
            Approx(r["seconds"].get<double>()));
    if (!r["count"].is_null() && !r["count_g"].is_null())
      REQUIRE(r["count_g"].get<int>() <= r["count"].get<int>());  // symmetry never costs data
    REQUIRE(r["confidently_wrong_by_round"].size() >= 1);
    // An exact table mispredicts no update of a held-out trajectory.
    if (exact) REQUIRE(r["heldout_error"].get<double>() == 0.0);
    // Only a halt on the risk bound states one.
    const bool bound_halt = r["policy"] == "risk" && r["halted"].get<bool>() &&
                            r["reason"].get<std::string>().rfind("risk bound", 0) == 0;
    REQUIRE(r["stated_bound"].is_null() == !bound_halt);
  }
  // A record equals a direct run of the loop on the same job (the zoo's scarce regime: 16×16,
  // T=8, density 0.3, budget 16; committee 3, seed 1, certified).
  {
    const json& r = runs.at(0);
    REQUIRE(r["setting"] == "certified");
    carl::experiment::Config cfg;
    cfg.provider.rule = r["rule"].get<std::string>();
    cfg.provider.height = cfg.provider.width = 16;
    cfg.provider.steps = 8;
    cfg.provider.density = 0.3;
    cfg.provider.seed = cfg.learner.seed = 1;
    cfg.learner.committee = 3;
    cfg.stopping.max_trajectories = 16;
    cfg.stopping.max_rounds = 32;
    cfg.output.checkpoint = false;
    carl::test::TempDir run_dir;
    carl::provider::TrajectoryStore store(run_dir.path());
    carl::experiment::RunSource source(cfg, store, CARL_PROVIDER_EXE);
    const auto o = carl::experiment::run_loop(cfg, source, {});
    REQUIRE(r["trajectories"].get<int>() == o.trajectories);
    REQUIRE(r["halted"].get<bool>() == o.halted);
    REQUIRE(r["reason"].get<std::string>() == o.reason);
    REQUIRE(r["exact"].get<bool>() ==
            carl::experiment::score_against(o.rule.table, cfg.provider.rule).exact);
  }
  // The summary rows partition the runs, and their counts agree with them.
  const json& summary = j.at("summary");
  REQUIRE(summary.size() == 3);
  int total = 0;
  for (const json& s : summary) {
    const int n = s["runs"];
    total += n;
    REQUIRE(s["exact"].get<int>() <= n);
    REQUIRE(s["false_halts"].get<int>() + s["budget_stops"].get<int>() <= n);
    REQUIRE(int(s["carl_trajectories"].size()) == s["exact"].get<int>());
    int exact = 0;
    for (const json& r : runs)
      if (r["setting"] == s["setting"]) exact += r["exact"].get<bool>();
    REQUIRE(exact == s["exact"].get<int>());
  }
  REQUIRE(total == 6);
  const std::string md = carl::ca::read_text_file(md_path);
  REQUIRE_THAT(md, Catch::Contains("| suite | regime | setting |") &&
                       Catch::Contains("| named | scarce | certified |") &&
                       Catch::Contains("| named | scarce | risk |") &&
                       Catch::Contains("| named | scarce | seed-policy |"));
}

namespace {

// The zoo of the records tests: the quick settings on two named rules, one seed (6 runs).
carl::sweep::ZooOptions two_rules(const std::string& out_dir) {
  carl::sweep::ZooOptions o;
  o.quick = true;
  o.suites = {"named"};
  o.rules_per_suite = 2;
  o.seeds = 1;
  o.provider_exe = CARL_PROVIDER_EXE;
  o.out_dir = out_dir;
  return o;
}

// The zoo-quick.json records under two directories are the same 6, timings aside.
void require_same_records(const std::string& one, const std::string& other) {
  const json a = json::parse(carl::ca::read_text_file(one + "/zoo-quick.json"));
  const json b = json::parse(carl::ca::read_text_file(other + "/zoo-quick.json"));
  REQUIRE(a["runs"].size() == 6);
  REQUIRE(b["runs"].size() == a["runs"].size());
  for (std::size_t i = 0; i < a["runs"].size(); ++i)
    REQUIRE(carl::sweep::without_timings(a["runs"][i]) ==
            carl::sweep::without_timings(b["runs"][i]));
}

}  // namespace

TEST_CASE("carl bench zoo --jobs 2 runs worker processes whose records equal one process's",
          "[zoo]") {
  carl::test::TempDir one, two;
  carl::sweep::ZooOptions o = two_rules(one.path());
  carl::sweep::run_zoo(o);
  // Each worker is started through a script that notes its start, then becomes carl.
  const std::string log = two.path() + "/workers.log", script = two.path() + "/worker.sh";
  carl::ca::write_text_file(script, "#!/bin/sh\necho started >> '" + log + "'\nexec '" +
                                        std::string(CARL_EXE) + "' \"$@\"\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  o.out_dir = two.path();
  o.jobs = 2;
  o.worker_command = {script};
  for (const std::string& arg : carl::sweep::zoo_worker_arguments(o))
    o.worker_command.push_back(arg);
  carl::sweep::run_zoo(o);
  REQUIRE(carl::ca::read_text_file(log) == "started\nstarted\n");
  require_same_records(one.path(), two.path());
  // A worker that dies names the job it was running.
  carl::ca::write_text_file(script, "#!/bin/sh\nexit 1\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  REQUIRE_THROWS_WITH(
      carl::sweep::run_zoo(o),
      Catch::Contains("ended (exit status 1) without its record") && Catch::Contains("named"));
}

TEST_CASE("carl bench zoo --batch 4 runs four at a time, with records equal one at a time's",
          "[zoo]") {
  carl::test::TempDir one, four;
  carl::sweep::ZooOptions o = two_rules(one.path());
  carl::sweep::run_zoo(o);
  o.out_dir = four.path();
  o.batch = 4;  // rounds that mix the two rules' runs (a rule's three settings see the same data)
  carl::sweep::run_zoo(o);
  require_same_records(one.path(), four.path());
  // The batch's rounds gathered the runs' trainings.
  const json figures =
      json::parse(carl::ca::read_text_file(four.path() + "/zoo-quick.json")).at("batch");
  REQUIRE(figures.at("runs") == 4);
  REQUIRE(figures.at("rounds").get<int>() > 0);
  REQUIRE(figures.at("trainings").get<int>() > figures.at("rounds").get<int>());
  // A batch is threads of one process: not with worker processes.
  o.jobs = 2;
  REQUIRE_THROWS_WITH(carl::sweep::run_zoo(o), Catch::Contains("--batch 4 with --jobs 2"));
}

TEST_CASE("carl bench zoo refuses a bad --out before any run", "[zoo][durable]") {
  // A link to a directory was accepted by make_directories and refused by write_durably only
  // after every run; a file in the way was an internal error after them. Each worker started
  // notes it in a log: none may start.
  namespace fs = std::filesystem;
  carl::test::TempDir dir;
  fs::create_directory(dir.path() + "/real");
  fs::create_directory_symlink(dir.path() + "/real", dir.path() + "/link");
  carl::ca::write_text_file(dir.path() + "/plain", "a file\n");
  const std::string log = dir.path() + "/workers.log", script = dir.path() + "/worker.sh";
  carl::ca::write_text_file(script, "#!/bin/sh\necho started >> '" + log + "'\nexit 1\n");
  fs::permissions(script, fs::perms::owner_all);
  carl::sweep::ZooOptions o = two_rules(dir.path() + "/link");
  o.jobs = 2;
  o.worker_command = {script};
  REQUIRE_THROWS_AS(carl::sweep::run_zoo(o), carl::InputError);
  REQUIRE_THROWS_WITH(carl::sweep::run_zoo(o),
                      dir.path() + "/link: the directory is a symbolic link (refused)");
  o.out_dir = dir.path() + "/plain/dir";
  REQUIRE_THROWS_WITH(carl::sweep::run_zoo(o),
                      dir.path() + "/plain/dir: cannot create directory: Not a directory");
  REQUIRE_FALSE(fs::exists(log));
  REQUIRE(fs::is_empty(dir.path() + "/real"));
}

TEST_CASE("a zoo job's run directory is removed after it under TMPDIR and on an error too",
          "[zoo]") {
  carl::test::TempDir tmp;
  const carl::test::ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  const carl::sweep::HiddenRule rule = carl::sweep::zoo_suite("dying", 1).front();
  const carl::sweep::Regime& scarce = carl::sweep::zoo_regimes().front();
  const carl::sweep::Setting& certified = carl::sweep::zoo_settings().front();
  REQUIRE(carl::sweep::run_job(rule, scarce, certified, 1, CARL_PROVIDER_EXE)
              .at("halted")
              .is_boolean());
  REQUIRE(std::filesystem::is_empty(tmp.path()));
  // A provider that cannot be started: the loop throws with the directory made (it was left).
  REQUIRE_THROWS(carl::sweep::run_job(rule, scarce, certified, 1, "/nonexistent/carl-provider"));
  REQUIRE(std::filesystem::is_empty(tmp.path()));
}
