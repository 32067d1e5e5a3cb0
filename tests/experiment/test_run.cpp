// `carl run`, `--resume`, `inspect` and `simulate` as a user (or a hostile file) meets them: the
// carl executable end to end.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>

#include "ca/files.h"
#include "learner/net.h"
#include "support.h"

using namespace carl;
namespace fs = std::filesystem;

namespace {
const std::string kProvider = CARL_PROVIDER_EXE;
const std::string kCarl = CARL_EXE;
const std::string kSource = CARL_SOURCE_DIR;

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr
  std::string errors;  // stderr
};

Result run_carl(const std::string& args, const std::string& dir) {
  const std::string out = dir + "/carl.out", err = dir + "/carl.err";
  const int rc = std::system((kCarl + " " + args + " > " + out + " 2> " + err).c_str());
  Result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.errors = ca::read_text_file(err);
  r.output = ca::read_text_file(out) + r.errors;
  return r;
}

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// A life-sized config whose provider is one of the three kinds.
std::string config_for(const std::string& kind, const std::string& runs) {
  std::string provider;
  if (kind == "built-in")
    provider = "  rule: B3/S23\n";
  else if (kind == "carl-protocol")  // carl-provider run as any external program would be
    provider = "  command: [" + kProvider +
               ", --rule, B3/S23, --height, '16', --width, '16', --steps, '8', --seed, '3']\n";
  else  // rle: Golly's bgolly behind the RLE adapter
    provider = "  command: [" + kSource +
               "/scripts/golly-provider, B3/S23, '16', '16', '8', '0.3', '3']\n  protocol: rle\n";
  return "name: k\nprovider:\n" + provider +
         "  height: 16\n  width: 16\n  steps: 8\n  seed: 3\nlearner:\n  committee: 2\n  seed: 1\n"
         "stopping:\n  policy: certified\n  max_trajectories: 12\noutput:\n  runs_dir: " +
         runs + "\n";
}

int trajectory_count(const std::string& dir) {
  int k = 0;
  while (fs::exists(fmt::format("{}/trajectory-{:03d}.rle", dir, k))) ++k;
  return k;
}
}  // namespace

TEST_CASE("kill -9 and resume, with every kind of provider: nothing lost, nothing asked twice",
          "[run][resume][process]") {
  for (const std::string kind : {"built-in", "carl-protocol", "rle"}) {
    INFO(kind);
    test::TempDir tmp;
    const std::string yaml = tmp.path() + "/k.yaml";
    ca::write_text_file(yaml, config_for(kind, tmp.path() + "/runs"));
    // Uninterrupted reference.
    const Result ref = run_carl("run " + yaml, tmp.path());
    REQUIRE(ref.status == 0);
    const std::string ref_dir = tmp.path() + "/runs/k";
    const int asked = trajectory_count(ref_dir);
    REQUIRE(asked >= 2);  // so that the kill below falls inside the run
    // Killed with SIGKILL as soon as its first trajectory is on disk.
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::freopen("/dev/null", "w", stdout);
      ::execl(kCarl.c_str(), kCarl.c_str(), "run", yaml.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::string dir = tmp.path() + "/runs/k-2";
    for (int i = 0; i < 20000 && !fs::exists(dir + "/trajectory-000.rle"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const int stored = trajectory_count(dir);
    REQUIRE(stored >= 1);
    REQUIRE(stored < asked);
    const Result resumed = run_carl("run --resume " + dir + " --trust-provider", tmp.path());
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    REQUIRE_THAT(resumed.output,
                 Catch::Contains(fmt::format("{} stored trajectories will be replayed", stored)));
    REQUIRE_THAT(resumed.output,
                 Catch::Contains(fmt::format(
                     "trajectories used: {} ({} stored before this run, {} asked of the provider)",
                     asked, stored, asked - stored)));
    // Every trajectory is the one the uninterrupted run was given: 0 mismatches.
    REQUIRE(trajectory_count(dir) == asked);
    int mismatches = 0;
    for (int k = 0; k < asked; ++k) {
      const std::string name = fmt::format("/trajectory-{:03d}.rle", k);
      mismatches += ca::read_text_file(dir + name) != ca::read_text_file(ref_dir + name);
    }
    REQUIRE(mismatches == 0);
    auto strip = [](std::string s) { return s.substr(s.find("\"reason\"")); };
    REQUIRE(strip(ca::read_text_file(dir + "/rule.json")) ==
            strip(ca::read_text_file(ref_dir + "/rule.json")));
  }
}

TEST_CASE("a run that fails at start-up leaves no directory behind", "[run]") {
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/bad.yaml";
  ca::write_text_file(yaml, "name: bad\nprovider:\n  command: [" + tmp.path() +
                                "/no-such-provider]\noutput:\n  runs_dir: " + tmp.path() +
                                "/runs\n");
  const Result r = run_carl("run " + yaml, tmp.path());
  REQUIRE(r.status == 2);
  REQUIRE_THAT(r.output, Catch::Contains("could not be started: command not found"));
  REQUIRE(lines(r.errors) == 1);
  REQUIRE_FALSE(fs::exists(tmp.path() + "/runs/bad"));
}

TEST_CASE("a device the machine lacks is refused before anything starts", "[run]") {
  if (learner::resolve_device(learner::Device::automatic) == learner::Device::cuda) {
    WARN("a CUDA device is present: learner.device cuda is not refused here");
    return;
  }
  test::TempDir tmp;
  // Named, and without `name:`, whose line is the file's own (carl writes the name into the copy
  // it stores, and the line had been counted in that copy: one too far).
  for (const auto& [stem, yaml_text, line] :
       {std::tuple{"gpu", "name: gpu\nprovider:\n  rule: B3/S23\nlearner:\n  device: cuda\n", 5},
        std::tuple{"unnamed", "provider:\n  rule: B3/S23\nlearner:\n  device: cuda\n  seed: 2\n",
                   4}}) {
    const std::string yaml = tmp.path() + "/" + stem + ".yaml";
    ca::write_text_file(yaml,
                        std::string(yaml_text) + "output:\n  runs_dir: " + tmp.path() + "/runs\n");
    const Result r = run_carl("run " + yaml, tmp.path());
    REQUIRE(r.status == 2);
    REQUIRE_THAT(r.errors,
                 Catch::Contains(fmt::format("{}:{}: learner.device: device 'cuda'", yaml, line)));
    REQUIRE(lines(r.errors) == 1);
    REQUIRE_FALSE(fs::exists(tmp.path() + "/runs/" + stem));
    REQUIRE(r.output.find("starting") == std::string::npos);
  }
}

TEST_CASE("a run whose nets diverge can still be inspected and reported", "[run]") {
  // SGD at learning rate 10 with weight decay 1 drives the weights to NaN; the data still settle
  // the rule. The kernels of such nets are not recorded (rule.json cannot hold NaN), and the
  // nets' checkpoints hold them as "NaN".
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/div.yaml";
  ca::write_text_file(yaml,
                      "name: div\nprovider:\n  rule: B3/S23\n  height: 24\n  width: 24\n"
                      "  steps: 12\n  seed: 1\nlearner:\n  committee: 2\n  optimizer: sgd\n"
                      "  learning_rate: 10\n  weight_decay: 1\n  seed: 1\noutput:\n  runs_dir: " +
                          tmp.path() + "/runs\n");
  const Result r = run_carl("run " + yaml, tmp.path());
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string dir = tmp.path() + "/runs/div";
  REQUIRE(ca::read_text_file(dir + "/net-0.json").find("\"NaN\"") != std::string::npos);
  REQUIRE(run_carl("inspect " + dir, tmp.path()).status == 0);
  const Result report = run_carl("report " + dir, tmp.path());
  INFO(report.output);
  REQUIRE(report.status == 0);
}

TEST_CASE("a provider that answers REVEAL with garbage: the result is kept, the error named",
          "[run]") {
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/r.yaml";
  ca::write_text_file(yaml, "name: r\nprovider:\n  command: [" + kSource +
                                "/tests/provider/fakes/reveals-garbage]\n  height: 4\n"
                                "  width: 4\n  steps: 2\n  allow_reveal: true\n"
                                "learner:\n  committee: 1\nstopping:\n  max_trajectories: 1\n"
                                "output:\n  runs_dir: " +
                                tmp.path() + "/runs\n  report: false\n");
  const Result r = run_carl("run " + yaml, tmp.path());
  REQUIRE(r.status == 2);
  REQUIRE(lines(r.errors) == 1);
  REQUIRE_THAT(r.errors,
               Catch::Contains("answered REVEAL with") && Catch::Contains("not a rulestring"));
  // The run's result was written before the error (it was lost: rule.json came after REVEAL).
  REQUIRE(fs::exists(tmp.path() + "/runs/r/rule.json"));
  REQUIRE_THAT(r.output, Catch::Contains("stopped: budget"));
}

TEST_CASE("a provider that is not one rule: carl says its data contradict themselves", "[run]") {
  // Even requests evolve B3/S23, odd ones B36/S23; no noise is configured. The loop takes the
  // contradictions for noise, and the summary says what that rests on. One rule (Golly's bgolly
  // behind the same adapter) shows no such line.
  test::TempDir tmp;
  auto config = [&](const std::string& command) {
    const std::string yaml = tmp.path() + "/two.yaml";
    ca::write_text_file(yaml, "name: two\nprovider:\n  command: [" + command +
                                  "]\n  protocol: rle\n  height: 16\n  width: 16\n  steps: 8\n"
                                  "learner:\n  committee: 1\nstopping:\n  max_trajectories: 3\n"
                                  "output:\n  runs_dir: " +
                                  tmp.path() + "/runs\n  report: false\n");
    return yaml;
  };
  const Result two =
      run_carl("run " + config(kSource + "/tests/provider/fakes/rle-two-rules"), tmp.path());
  CHECK(two.status == 1);
  CHECK_THAT(two.output, Catch::Contains("of the observed updates go against their pattern's "
                                         "majority, though provider.noise is 0") &&
                             Catch::Contains("not one deterministic 3x3 rule"));
  const Result one = run_carl(
      "run " + config(kSource + "/scripts/golly-provider, B3/S23, '16', '16', '8', '0.4', '5'"),
      tmp.path());
  CHECK_THAT(one.output, Catch::Contains("trajectories used") && !Catch::Contains("data:"));
}

TEST_CASE("a certified run out of budget says what its last fresh trajectory lacked", "[run]") {
  // next = N: the support (N alone) is found at once, but an entry it alone fills is a guess
  // until a trajectory shows it, and a shifted soup shows no more patterns than its first frame.
  test::TempDir tmp;
  ca::write_text_file(
      tmp.path() + "/shift.yaml",
      "name: shift\nprovider: {rule: \"MAPAAAAAAAAAAAAAAAAAAAAAP////////////////////"
      "8AAAAAAAAAAAAAAAAAAAAA/////////////////////w\", height: 32, width: 32, steps: 4, "
      "density: 0.2}\nlearner: {committee: 1}\nstopping: {max_trajectories: 3}\n"
      "output: {runs_dir: " +
          tmp.path() + "/runs, report: false}\n");
  const Result r = run_carl("run " + tmp.path() + "/shift.yaml", tmp.path());
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("judge the complete rule on a fresh trajectory; the last "
                                       "fresh trajectory: 0 generalized and") &&
                           Catch::Contains("support-filled entries untested)"));
  CHECK_THAT(r.output, Catch::Contains("by symmetry or an inferred support") &&
                           Catch::Contains("stopping.policy: risk halts with a stated bound"));
}

TEST_CASE("a risk halt's rule.json states the bound's parts, and reads back", "[run]") {
  // configs/dying-risk.yaml's run: the bound, its missing mass and wrong share, and the cells per
  // appearance it took — the larger of the rare classes' and the simulated appearances'.
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/d.yaml";
  ca::write_text_file(yaml, ca::read_text_file(kSource + "/configs/dying-risk.yaml") +
                                "output:\n  runs_dir: " + tmp.path() +
                                "/runs\n  report: false\n  checkpoint: false\n");
  const Result r = run_carl("run " + yaml, tmp.path());
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string dir = tmp.path() + "/runs/dying-risk";
  const auto rule = nlohmann::json::parse(ca::read_text_file(dir + "/rule.json"));
  const auto& b = rule["stated_bound"];
  REQUIRE(b.is_object());
  CHECK(b.at("bound").get<double>() <= b.at("delta").get<double>());
  const double rare = b.at("rare_cells_per_appearance").get<double>();
  const double simulated = b.at("simulated_cells_per_appearance").get<double>();
  CHECK(rare >= 1);
  CHECK(simulated >= 1);
  CHECK(b.at("cells_per_appearance").get<double>() == std::max(rare, simulated));
  CHECK_THAT(rule["reason"].get<std::string>(),
             Catch::Contains(fmt::format("{:.3g} cells each", std::max(rare, simulated))));
  // carl inspect reads it back (rule.json's keys are checked, none unknown).
  CHECK(run_carl("inspect " + dir, tmp.path()).status == 0);
}

TEST_CASE("carl run --resume runs a stored provider command only when trusted",
          "[run][resume][hostile]") {
  test::TempDir tmp;
  const std::string runs = tmp.path() + "/runs";
  const std::string yaml = tmp.path() + "/k.yaml";
  ca::write_text_file(yaml, config_for("carl-protocol", runs));
  const Result first = run_carl("run " + yaml, tmp.path());
  REQUIRE(first.status == 0);
  const std::string dir = runs + "/k";
  // A planted command: it would leave a mark if it ever ran.
  const std::string mark = tmp.path() + "/ran";
  ca::write_text_file(dir + "/config.yaml", "name: k\nprovider:\n  command: [/bin/sh, -c, 'touch " +
                                                mark +
                                                "']\n  height: 16\n  width: 16\n  steps: 8\n");
  std::filesystem::remove(dir + "/rule.json");
  const Result r = run_carl("run --resume " + dir, tmp.path());
  REQUIRE(r.status == 2);
  REQUIRE_THAT(r.output, Catch::Contains("[/bin/sh -c touch " + mark + "]") &&
                             Catch::Contains("would be run") &&
                             Catch::Contains("--trust-provider"));
  const Result other = run_carl("run " + yaml + " --resume " + dir, tmp.path());
  REQUIRE(other.status == 2);
  REQUIRE_THAT(other.errors, Catch::Contains("provider.command is [/bin/sh -c touch " + mark +
                                             "] in the run but [" + kProvider));
  // --trust-provider does not let a config that differs through either.
  const Result trusted =
      run_carl("run " + yaml + " --resume " + dir + " --trust-provider", tmp.path());
  REQUIRE(trusted.status == 2);
  REQUIRE_THAT(trusted.errors, Catch::Contains("provider.command is"));
  REQUIRE_FALSE(fs::exists(mark));
}

TEST_CASE("carl run CONFIG --resume DIR refuses a config that differs from the stored one",
          "[run][resume][config]") {
  test::TempDir tmp;
  const std::string runs = tmp.path() + "/runs";
  const std::string yaml = tmp.path() + "/k.yaml";
  const std::string stored = config_for("built-in", runs);
  ca::write_text_file(yaml, stored);
  REQUIRE(run_carl("run " + yaml, tmp.path()).status == 0);
  const std::string dir = runs + "/k";
  fs::remove(dir + "/rule.json");
  const int before = trajectory_count(dir);
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = stored;
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  // What a researcher changes between runs: each is refused, naming the key and both values.
  for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
           {replaced("rule: B3/S23", "rule: B36/S23"),
            "provider.rule is B3/S23 in the run but B36/S23 in"},
           {replaced("  seed: 3\n", "  seed: 4\n"), "provider.seed is 3 in the run but 4 in"},
           // A longer timeout does not carry another change in with it.
           {replaced("  seed: 3\n", "  seed: 4\n  timeout: 30\n"),
            "provider.seed is 3 in the run but 4 in"},
           {replaced("committee: 2\n  seed: 1", "committee: 2\n  seed: 9"),
            "learner.seed is 1 in the run but 9 in"},
           {replaced("stopping:\n", "stopping:\n  tolerance: 0.5\n"),
            "stopping.tolerance is 0 in the run but 0.5 in"},
           {replaced("  rule: B3/S23\n", "  command: [/bin/true]\n"),
            "provider.rule is B3/S23 in the run but not set in"}}) {
    INFO(text);
    const std::string other = tmp.path() + "/other.yaml";
    ca::write_text_file(other, text);
    const Result r = run_carl("run " + other + " --resume " + dir, tmp.path());
    REQUIRE(r.status == 2);
    REQUIRE(lines(r.errors) == 1);
    REQUIRE_THAT(r.errors, Catch::Contains(dir + "/config.yaml: " + words + " " + other));
    REQUIRE(trajectory_count(dir) == before);
    REQUIRE_FALSE(fs::exists(dir + "/rule.json"));
  }
  // The same settings in other words (another name and file, a default written out, the rule in
  // another order) resume, and so does a longer provider.timeout, used for this session.
  const std::string same = tmp.path() + "/same.yaml";
  ca::write_text_file(same, replaced("name: k\nprovider:\n  rule: B3/S23\n",
                                     "name: renamed\nprovider:\n  rule: S23/B3\n  density: 0.3\n"
                                     "  timeout: 30\n"));
  const Result r = run_carl("run " + same + " --resume " + dir, tmp.path());
  INFO(r.output);
  REQUIRE(r.status == 0);
  REQUIRE_THAT(r.output, Catch::Contains("resuming"));
  REQUIRE_THAT(r.output, Catch::Contains("provider.timeout 30 s from " + same +
                                         " for this session (the run's config says 120 s)"));
  REQUIRE(fs::exists(dir + "/rule.json"));
}

TEST_CASE("a run stopped on its budget continues with a larger one, its stored config unedited",
          "[run][resume][config]") {
  test::TempDir tmp;
  const std::string runs = tmp.path() + "/runs";
  const std::string small = tmp.path() + "/small.yaml", big = tmp.path() + "/big.yaml";
  std::string text = config_for("built-in", runs);
  const std::size_t at = text.find("max_trajectories: 12");
  REQUIRE(at != std::string::npos);
  ca::write_text_file(big, text);
  ca::write_text_file(small, text.replace(at, 20, "max_trajectories: 1"));
  REQUIRE(run_carl("run " + small, tmp.path()).status == 1);  // out of budget
  const std::string dir = runs + "/k";
  REQUIRE(trajectory_count(dir) == 1);

  // An edit of the stored config is refused, naming it; nothing is asked for.
  const std::string stored = ca::read_text_file(dir + "/config.yaml");
  std::string edited = stored;
  edited.replace(edited.find("max_trajectories: 1"), 19, "max_trajectories: 5");
  ca::write_text_file(dir + "/config.yaml", edited);
  const Result refused = run_carl("run --resume " + dir, tmp.path());
  REQUIRE(refused.status == 2);
  REQUIRE(lines(refused.errors) == 1);
  REQUIRE_THAT(refused.errors, Catch::Contains(dir + "/config.yaml: changed since the run began"));
  REQUIRE(trajectory_count(dir) == 1);
  ca::write_text_file(dir + "/config.yaml", stored);

  // The larger budget, given as a config: the run goes on from its stored trajectory.
  const Result more = run_carl("run " + big + " --resume " + dir, tmp.path());
  INFO(more.output);
  REQUIRE(more.status == 0);
  REQUIRE_THAT(more.output, Catch::Contains("stopping.max_trajectories 12 from " + big +
                                            " for this session (the run's config says 1)"));
  const int taken = trajectory_count(dir);
  REQUIRE(taken > 1);
  // carl inspect shows the trajectories taken as the budget, not the stored budget of 1.
  const Result inspected = run_carl("inspect " + dir, tmp.path());
  REQUIRE_THAT(inspected.output, Catch::Contains(fmt::format(" of {} |", taken)));
  REQUIRE_THAT(inspected.output, !Catch::Contains(" of 1 |"));
  const std::string rule = ca::read_text_file(dir + "/rule.json");
  REQUIRE(nlohmann::json::parse(rule)["halted"] == true);
  // Resumed again with the stored budget: every stored trajectory is replayed, none asked for,
  // and the run halts as it did instead of stopping short and overwriting its result.
  const Result again = run_carl("run --resume " + dir, tmp.path());
  INFO(again.output);
  REQUIRE(again.status == 0);
  REQUIRE(trajectory_count(dir) == taken);
  REQUIRE(ca::read_text_file(dir + "/rule.json") == rule);
}

TEST_CASE("carl run --resume refuses gaps, wrong shapes, symlinked and busy run directories",
          "[run][resume][hostile]") {
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/k.yaml";
  ca::write_text_file(yaml, config_for("built-in", tmp.path() + "/runs"));
  REQUIRE(run_carl("run " + yaml, tmp.path()).status == 0);
  const std::string dir = tmp.path() + "/runs/k";
  const std::string second = ca::read_text_file(dir + "/trajectory-001.rle");

  SECTION("a gap: never filled by asking again and overwriting") {
    fs::remove(dir + "/trajectory-000.rle");
    const Result r = run_carl("run --resume " + dir, tmp.path());
    REQUIRE(r.status == 2);
    REQUIRE(lines(r.errors) == 1);
    REQUIRE_THAT(r.output, Catch::Contains("trajectory-000.rle is missing"));
    REQUIRE(ca::read_text_file(dir + "/trajectory-001.rle") == second);
    REQUIRE_FALSE(fs::exists(dir + "/trajectory-000.rle"));
  }
  SECTION("a trajectory of another size, of one frame, of 0x0") {
    for (const std::string& bad :
         {std::string("x = 3, y = 3\n3o!\nx = 3, y = 3\n3o!\n"), std::string("x = 16, y = 16\n!\n"),
          std::string("x = 0, y = 0\n!\nx = 0, y = 0\n!\n")}) {
      INFO(bad);
      ca::write_text_file(dir + "/trajectory-001.rle", bad);
      const Result r = run_carl("run --resume " + dir, tmp.path());
      REQUIRE(r.status == 2);
      REQUIRE(lines(r.errors) == 1);
      REQUIRE_THAT(r.output, Catch::Contains("trajectory-001.rle"));
    }
  }
  SECTION("a run another carl is writing: refused before the provider is asked") {
    const std::string last =
        fmt::format("{}/trajectory-{:03d}.rle", dir, trajectory_count(dir) - 1);
    const std::string stored = ca::read_text_file(last);
    fs::remove(dir + "/rule.json");
    fs::remove(last);
    const int held = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
    const Result busy = run_carl("run --resume " + dir, tmp.path());
    REQUIRE(busy.status == 2);
    REQUIRE(lines(busy.errors) == 1);
    REQUIRE_THAT(busy.errors,
                 Catch::Contains(dir + ": another carl is writing this run directory"));
    REQUIRE_FALSE(fs::exists(last));
    ::close(held);
    const Result free = run_carl("run --resume " + dir, tmp.path());
    INFO(free.output);
    REQUIRE(free.status == 0);
    REQUIRE(ca::read_text_file(last) == stored);
  }
  SECTION("a symlinked run directory") {
    fs::create_symlink(dir, tmp.path() + "/link");
    const Result r = run_carl("run --resume " + tmp.path() + "/link", tmp.path());
    REQUIRE(r.status == 2);
    REQUIRE_THAT(r.output, Catch::Contains("symbolic link (refused)"));
  }
}

TEST_CASE("carl inspect checks rule.json: a clear error, never a crash", "[run][inspect]") {
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/k.yaml";
  ca::write_text_file(yaml, config_for("built-in", tmp.path() + "/runs"));
  REQUIRE(run_carl("run " + yaml, tmp.path()).status == 0);
  const std::string dir = tmp.path() + "/runs/k";
  REQUIRE(run_carl("inspect " + dir, tmp.path()).status == 0);
  const std::string good = ca::read_text_file(dir + "/rule.json");
  for (const nlohmann::json& bad : {nlohmann::json(-1), nlohmann::json(600), nlohmann::json(70000),
                                    nlohmann::json("x"), nlohmann::json(nullptr)}) {
    INFO(bad.dump());
    nlohmann::json j = nlohmann::json::parse(good);
    j["entries"][3]["pattern"] = bad;
    ca::write_text_file(dir + "/rule.json", j.dump());
    const Result r = run_carl("inspect " + dir, tmp.path());
    REQUIRE(r.status == 2);
    REQUIRE(lines(r.errors) == 1);
    REQUIRE_THAT(r.output, Catch::Contains(dir + "/rule.json: entries[3].pattern:"));
  }
  nlohmann::json j = nlohmann::json::parse(good);
  j.erase("provenance_counts");
  ca::write_text_file(dir + "/rule.json", j.dump());
  const Result r = run_carl("inspect " + dir, tmp.path());
  REQUIRE(r.status == 2);
  REQUIRE_THAT(r.output, Catch::Contains("rule.json: provenance_counts: missing"));
}

TEST_CASE("carl simulate: sizes and steps checked before anything is allocated", "[run][limits]") {
  test::TempDir tmp;
  for (const std::string bad : {"--soup 99999999999x5", "--soup 4294967301x5", "--soup 5x5x5",
                                "--soup 0x5", "--steps -5", "--soup 65536x65536 --steps 1000"}) {
    INFO(bad);
    const Result r = run_carl("simulate --rule B3/S23 " + bad, tmp.path());
    REQUIRE(r.status == 2);
    REQUIRE(lines(r.errors) == 1);
    REQUIRE_THAT(r.output, Catch::StartsWith("carl: --s") || Catch::Contains("memory limit"));
  }
  // W×H, as --torus and Golly's header: 9 wide, 8 high.
  const Result ok = run_carl("simulate --rule B3/S23 --soup 9x8 --steps 0", tmp.path());
  REQUIRE(ok.status == 0);
  REQUIRE_THAT(ok.output, Catch::Contains("x = 9, y = 8"));
}

TEST_CASE("a provider's greeting must match the config", "[run][limits]") {
  test::TempDir tmp;
  const std::string yaml = tmp.path() + "/g.yaml";
  ca::write_text_file(yaml, "name: g\nprovider:\n  command: [" + kProvider +
                                ", --rule, B3/S23, --height, '7', --width, '9', --steps, '3']\n"
                                "  height: 12\n  width: 12\n  steps: 4\noutput:\n  runs_dir: " +
                                tmp.path() + "/runs\n");
  const Result r = run_carl("run " + yaml, tmp.path());
  REQUIRE(r.status == 2);
  REQUIRE(lines(r.errors) == 1);
  REQUIRE_THAT(r.output, Catch::Contains("serves 7x9 frames (HxW), T = 3, torus; the config says "
                                         "12x12, T = 4, torus"));
  REQUIRE_FALSE(fs::exists(tmp.path() + "/runs/g"));
}

TEST_CASE("carl run with every documented key set to a value other than its default",
          "[run][config][docs]") {
  test::TempDir tmp;
  const std::string runs = tmp.path() + "/out";
  // Values chosen to differ from docs/config.md's defaults and to finish in seconds.
  const std::string main_config =
      "name: everykey\n"
      "provider:\n  rule: B36/S23\n  height: 14\n  width: 11\n  steps: 6\n  density: 0.4\n"
      "  noise: 0.001\n  mode: window\n  world_scale: 2\n  seed: 3\n  allow_reveal: true\n"
      "  timeout: 60\n"
      "learner:\n  width: 12\n  depth: 1\n  activation: tanh\n  objective: counts\n"
      "  optimizer: sgd\n  learning_rate: 0.05\n  weight_decay: 0.0001\n  max_steps: 150\n"
      "  fit_confidence: 0.9\n  min_agreement: 0.6\n  committee: 2\n  symmetry: function\n"
      "  min_evidence: 4\n  device: auto\n  seed: 7\n"
      "extractor:\n  significance: 0.8\n"
      "stopping:\n  policy: risk\n  min_symmetry_pairs: 12\n  delta: 0.01\n  confidence: 0.9\n"
      "  noise_epsilon: 1.5\n  certify_on: one_step\n  tolerance: 0.01\n  noise_floor: false\n"
      "  verify_generalized: false\n  epsilon: 0.01\n  l1_threshold: 0.01\n  l2_threshold: 0.01\n"
      "  max_trajectories: 2\n  max_rounds: 3\n"
      "output:\n  runs_dir: " +
      runs + "\n  checkpoint: false\n  report: false\n";
  // provider.command and provider.protocol replace provider.rule: a second config.
  const std::string external_config = "name: external\nprovider:\n  command: [" + kSource +
                                      "/scripts/golly-provider, B3/S23, '12', '12', '4', '0.3', "
                                      "'2']\n  protocol: rle\n  height: 12\n  width: 12\n"
                                      "  steps: 4\nlearner:\n  committee: 2\n"
                                      "stopping:\n  max_trajectories: 2\noutput:\n  runs_dir: " +
                                      runs + "\n  report: false\n";
  // Every key in docs/config.md's table is set by one of the two (so a key documented later
  // without being tried here fails this test).
  int documented = 0;
  for (const std::string& key : test::documented_config_keys()) {
    const std::string leaf = key.substr(key.find('.') + 1);
    INFO("documented key " << key);
    ++documented;
    CHECK((main_config.find("\n  " + leaf + ":") != std::string::npos ||
           main_config.rfind(leaf + ":", 0) == 0 ||
           external_config.find("\n  " + leaf + ":") != std::string::npos));
  }
  REQUIRE(documented >= 40);
  for (const auto& [name, yaml] : {std::pair{std::string("everykey"), main_config},
                                   {std::string("external"), external_config}}) {
    INFO(name);
    ca::write_text_file(tmp.path() + "/" + name + ".yaml", yaml);
    const Result r = run_carl("run " + tmp.path() + "/" + name + ".yaml", tmp.path());
    INFO(r.output);
    REQUIRE((r.status == 0 || r.status == 1));  // halted, or stopped by the tiny budget
    REQUIRE(lines(r.errors) == 0);
    const std::string dir = runs + "/" + name;
    const nlohmann::json rule = nlohmann::json::parse(ca::read_text_file(dir + "/rule.json"));
    REQUIRE(rule["trajectories"].get<int>() <= 2);
    REQUIRE_FALSE(fs::exists(dir + "/report.html"));  // output.report: false
    if (name == "everykey") {
      REQUIRE(rule["policy"] == "risk");
      REQUIRE(rule["rounds"].get<int>() <= 3);
      REQUIRE_FALSE(fs::exists(dir + "/net-0.json"));  // output.checkpoint: false
      REQUIRE_THAT(ca::read_text_file(dir + "/trajectory-000.rle"),
                   Catch::Contains("x = 11, y = 14"));
      REQUIRE_THAT(r.output, Catch::Contains("score against the revealed hidden rule"));
      // Each round shows the budget used: stopping.max_trajectories.
      REQUIRE_THAT(r.output, Catch::Contains("| trajectories  1 of 2 |"));
    } else {
      REQUIRE_THAT(ca::read_text_file(dir + "/trajectory-000.rle"),
                   Catch::Contains("x = 12, y = 12"));
    }
  }
}
