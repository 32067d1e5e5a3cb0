#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "ca/error.h"
#include "ca/files.h"
#include "experiment/config.h"
#include "support.h"

using carl::experiment::parse_config;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "bad.yaml");
  } catch (const carl::InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a config's fields and defaults", "[config]") {
  const auto c = parse_config("provider:\n  rule: B36/S23\n  height: 16\n  noise: 0.01\n",
                              "configs/highlife.yaml");
  REQUIRE(c.name == "highlife");
  REQUIRE(c.provider.rule == "B36/S23");
  REQUIRE(c.provider.height == 16);
  REQUIRE(c.provider.width == 24);  // default
  REQUIRE(c.provider.noise == Approx(0.01));
  REQUIRE(c.provider.mode == carl::ca::Boundary::torus);
  REQUIRE(c.output.runs_dir == "runs");
  REQUIRE(c.learner.committee == 5);
  REQUIRE(c.learner.train.objective == carl::learner::Objective::balanced);
  REQUIRE(c.stopping.policy == carl::extractor::Policy::certified);
  REQUIRE(c.extractor.significance == Approx(0.9));
  const auto e =
      parse_config("name: x\nprovider:\n  command: [scripts/golly-provider, B3/S23]\n", "e.yaml");
  REQUIRE(e.provider.command.size() == 2);
  REQUIRE(e.name == "x");
}

TEST_CASE("malformed configs name the file, line and key", "[config]") {
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  densty: 0.3\n"),
             Catch::Contains("bad.yaml:3") && Catch::Contains("provider.densty: unknown key"));
  CHECK_THAT(
      error_of("provider:\n  rule: B3/S23\n  height: tall\n"),
      Catch::Contains("bad.yaml:3") && Catch::Contains("provider.height: expected an integer"));
  // An integer its field's type cannot hold is refused with the type's range, not as no integer.
  CHECK(error_of("provider:\n  rule: B3/S23\n  seed: -1\n") ==
        "bad.yaml:3: provider.seed: -1 is outside [0, 18446744073709551615]");
  CHECK(error_of("provider:\n  rule: B3/S23\n  height: 5000000000\n") ==
        "bad.yaml:3: provider.height: 5000000000 is outside [-2147483648, 2147483647]");
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  density: 1.5\n"),
             Catch::Contains("provider.density") && Catch::Contains("outside [0, 1]"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S2z\n"),
             Catch::Contains("bad.yaml:2") && Catch::Contains("provider.rule"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  mode: sphere\n"),
             Catch::Contains("provider.mode: 'sphere' is not one of: torus, window"));
  CHECK_THAT(error_of("provider:\n  height: 5\n"), Catch::Contains("exactly one of 'rule'"));
  CHECK_THAT(error_of("provider: [1, 2\n"), Catch::Contains("not valid YAML"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  symmetry: vibes\n"),
             Catch::Contains("bad.yaml:4") && Catch::Contains("learner.symmetry"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  symmetry: fixed:p3\n"),
             Catch::Contains("'p3' is not a subgroup"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  committee: 0\n"),
             Catch::Contains("learner.committee") && Catch::Contains("outside [1, 64]"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nstopping:\n  policy: hope\n"),
             Catch::Contains("bad.yaml:4") &&
                 Catch::Contains("'hope' is not one of: certified, risk, seed"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nstopping:\n  certify_on: vibes\n"),
             Catch::Contains("stopping.certify_on: 'vibes' is not one of: rollout, one_step"));
  CHECK_THAT(error_of("provider:\n  command: [x]\n  protocol: smoke\n"),
             Catch::Contains("provider.protocol: 'smoke' is not one of: carl, rle"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nextractor:\n  significance: 2\n"),
             Catch::Contains("extractor.significance"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\noutput:\n  checkpoint: maybe\n"),
             Catch::Contains("output.checkpoint: expected true or false"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearnr: {}\n"),
             Catch::Contains("bad.yaml:3") && Catch::Contains("learnr: unknown key"));
}

TEST_CASE("configs that used to slip through validation (issue 16)", "[config]") {
  // NaN compares false with every bound.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  density: .nan\n"),
             Catch::Contains("bad.yaml:3: provider.density: nan is outside [0, 1]"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  noise: .NaN\n"),
             Catch::Contains("provider.noise: nan is outside"));
  // A key given twice would silently drop one value.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  height: 8\n  height: 16\n"),
             Catch::Contains("bad.yaml:4: provider.height: given twice"));
  CHECK_THAT(error_of("name: a\nname: b\nprovider:\n  rule: B3/S23\n"),
             Catch::Contains("bad.yaml:2: name: given twice"));
  // A key that is not a name.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  [a, b]: 3\n"),
             Catch::Contains("bad.yaml:3: provider: a key must be a name"));
  CHECK_THAT(error_of("? {x: 1}\n: 2\nprovider:\n  rule: B3/S23\n"),
             Catch::Contains("the config: a key must be a name"));
  // YAML's null is not the word "null".
  CHECK(error_of("name: ~\nprovider:\n  rule: B3/S23\n") ==
        "bad.yaml:1: name: expected a string, got nothing (null)");
  // What was given, by its kind (both had been "a collection").
  CHECK(error_of("provider:\n  rule: B3/S23\n  height:\n") ==
        "bad.yaml:3: provider.height: expected an integer, got nothing (null)");
  CHECK(error_of("provider:\n  rule: B3/S23\n  height: [1]\n") ==
        "bad.yaml:3: provider.height: expected an integer, got a list");
  CHECK(error_of("provider:\n  rule: B3/S23\n  density: {a: 1}\n") ==
        "bad.yaml:3: provider.density: expected a number, got a mapping");
  // Control characters in the run's name (it becomes a directory name and is echoed).
  for (const char* bad : {"\"a\\0b\"", "\"a\\nb\"", "\"a\\eb\"", "\"a\\tb\""}) {
    INFO(bad);
    CHECK_THAT(error_of(std::string("name: ") + bad + "\nprovider:\n  rule: B3/S23\n"),
               Catch::Contains("bad.yaml:1: name: must not contain control characters"));
  }
  // Inside the documented ranges, but beyond the memory limit: refused before the provider
  // grows into it.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  height: 4096\n  width: 4096\n"
                      "  steps: 100000\n"),
             Catch::Contains("bad.yaml:1: provider: a trajectory of 100001 frames of 4096x4096 "
                             "(HxW) needs about") &&
                 Catch::Contains("over the memory limit of 4.0 GiB"));
  // A value quoted by a check stays on one line (a fuzz finding: mode "w\ndow").
  for (const char* key : {"mode", "protocol"}) {
    INFO(key);
    const std::string e =
        error_of(std::string("provider:\n  rule: B3/S23\n  ") + key + ": \"w\\ndow\"\n");
    CHECK(e.find('\n') == std::string::npos);
    CHECK_THAT(e, Catch::Contains("bad.yaml:3: provider.") && Catch::Contains("w\\x0adow"));
  }
  // An echoed value cannot carry terminal escapes.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n  height: \"\\e[2J\"\n"),
             Catch::Contains("got '\\x1b[2J'"));
  // An empty program is the config's error, not a bare "provider command is empty" at start-up.
  CHECK_THAT(error_of("provider:\n  command: ['', B3/S23]\n"),
             Catch::Contains("bad.yaml:2: provider.command") &&
                 Catch::Contains("the program (its first element) is empty"));
  // A command is an argv execve takes, checked before it is copied: aliases let 112 KB of YAML
  // name 300 MB (carl read 1.2 GB of them, then said "command not found").
  const std::string x(100000, 'x');
  std::string aliases = "provider:\n  command: [&a " + x;
  for (int k = 0; k < 3000; ++k) aliases += ", *a";
  CHECK(error_of(aliases + "]\n") ==
        "bad.yaml:2: provider.command: more than 1048576 bytes in all");
  CHECK(error_of("provider:\n  command: [a, " + std::string(200000, 'z') + "]\n") ==
        "bad.yaml:2: provider.command: an element of 200000 bytes, 131071 at most");
  CHECK_THAT(error_of("provider:\n  command: [a, " + std::string(131072, 'z') + "]\n"),
             Catch::Contains("an element of 131072 bytes, 131071 at most"));
  std::string many = "provider:\n  command: [a";
  for (int k = 0; k < 4096; ++k) many += ", b";
  CHECK(error_of(many + "]\n") == "bad.yaml:2: provider.command: 4097 elements, more than 4096");
  CHECK_THAT(error_of("provider:\n  command: [/" + std::string(5000, 'y') + "]\n"),
             Catch::Contains("provider.command: the program (its first element) is 5001 bytes "
                             "long, over the 4095 a path can have"));
  // Within every bound: read as given.
  std::string most = "name: x\nprovider:\n  command: [a";
  for (int k = 0; k < 4095; ++k) most += ", b";
  CHECK(parse_config(most + "]\n", "ok.yaml").provider.command.size() == 4096);
  // An empty runs_dir was refused only when the run began, as ": cannot create directory".
  CHECK(error_of("provider:\n  rule: B3/S23\noutput:\n  runs_dir: \"\"\n") ==
        "bad.yaml:4: output.runs_dir: must not be empty (the default is runs)");
  // An empty file has no line to name (it was "bad.yaml:0:").
  CHECK(error_of("") ==
        "bad.yaml: provider: give exactly one of 'rule' (built-in provider) and 'command' "
        "(external provider argv)");
  // Nor an echoed key (found by fuzz_config).
  const std::string key = error_of("\"na\\nme\": x\nprovider:\n  rule: B3/S23\n");
  CHECK_THAT(key, Catch::Contains("bad.yaml:1: na\\x0ame: unknown key"));
  CHECK(key.find('\n') == std::string::npos);
}

TEST_CASE("a relative provider command is resolved against the config file's directory",
          "[config]") {
  namespace fs = std::filesystem;
  using carl::experiment::read_config_file;
  carl::test::TempDir tmp;
  fs::create_directories(tmp.path() + "/configs");
  const std::string expected = (fs::canonical(tmp.path()) / "scripts/prov").string();
  // Plain, single- and double-quoted, in flow and block lists; comments are kept.
  for (const std::string command :
       {"[../scripts/prov, B3/S23]", "['../scripts/prov', B3/S23]", "[\"../scripts/prov\", B3/S23]",
        "\n    - ../scripts/prov\n    - B3/S23"}) {
    INFO(command);
    const std::string path = tmp.path() + "/configs/x.yaml";
    carl::ca::write_text_file(
        path, "name: x  # kept\nprovider:\n  command: " + command + "\n  height: 8\n");
    const auto file = read_config_file(path);
    REQUIRE(file.config.provider.command == std::vector<std::string>{expected, "B3/S23"});
    // The text stored in a run directory names the same program from anywhere.
    REQUIRE(parse_config(file.text, "elsewhere/config.yaml").provider.command ==
            file.config.provider.command);
    REQUIRE_THAT(file.text, Catch::Contains("# kept") && Catch::Contains("height: 8"));
  }
  // A config named without a directory ("x.yaml", run from its own folder) resolves against
  // the working directory (it was an internal error: absolute("") throws).
  {
    const auto cwd = fs::current_path();
    fs::current_path(tmp.path() + "/configs");
    std::vector<std::string> got;
    try {
      got = read_config_file("x.yaml").config.provider.command;
    } catch (...) {
      fs::current_path(cwd);
      throw;
    }
    fs::current_path(cwd);
    REQUIRE(got == std::vector<std::string>{expected, "B3/S23"});
  }
  // Through a linked folder, '..' goes where the system goes: up from the folder linked to.
  {
    fs::create_directories(tmp.path() + "/view");
    fs::create_directory_symlink(tmp.path() + "/configs", tmp.path() + "/view/configs");
    REQUIRE(read_config_file(tmp.path() + "/view/configs/x.yaml").config.provider.command ==
            std::vector<std::string>{expected, "B3/S23"});
  }
  // A link inside the command itself: configs/sub -> ../other/inner, so 'sub/../prov' is
  // other/prov to the system (it was configs/prov: '..' was taken away lexically).
  {
    fs::create_directories(tmp.path() + "/other/inner");
    fs::create_directory_symlink("../other/inner", tmp.path() + "/configs/sub");
    const std::string path = tmp.path() + "/configs/z.yaml";
    carl::ca::write_text_file(path, "provider:\n  command: [sub/../prov]\n");
    REQUIRE(read_config_file(path).config.provider.command ==
            std::vector<std::string>{(fs::canonical(tmp.path()) / "other/prov").string()});
  }
  // A bare name is looked up on PATH and an absolute path is kept: neither is rewritten.
  for (const std::string program : {"golly-provider", "/usr/bin/env"}) {
    const std::string path = tmp.path() + "/configs/y.yaml";
    carl::ca::write_text_file(path, "provider:\n  command: [" + program + "]\n");
    REQUIRE(read_config_file(path).config.provider.command[0] == program);
  }
}

TEST_CASE("a run's name: UTF-8 without control characters, from the key or the file's stem",
          "[config][hostile]") {
  const std::string rule = "provider:\n  rule: B3/S23\n";
  // A name is printed and made a directory: invalid UTF-8 was an internal error (rule.json's
  // JSON) after the provider had been asked; U+009B is the terminal's 8-bit CSI.
  CHECK_THAT(error_of("name: \"a\xff\"\n" + rule),
             Catch::Contains("bad.yaml:1: name: is not valid UTF-8"));
  CHECK_THAT(error_of("name: \"a\xc2\x9b[2J\"\n" + rule),
             Catch::Contains("name: must not contain control characters (U+0080 to U+009F)"));
  CHECK_THAT(error_of("name: \"a\xe2\x82\"\n" + rule), Catch::Contains("not valid UTF-8"));
  CHECK_THAT(error_of("name: \"a\xe2\x80\xae"
                      "b\"\n" +
                      rule),
             Catch::Contains("name: must not contain direction controls"));
  CHECK(parse_config("name: r\xc3\xa8gle\n" + rule, "bad.yaml").name == "r\xc3\xa8gle");
  // Forms a lead byte alone does not refuse: a surrogate, overlong forms, past U+10FFFF.
  for (const char* bad : {"sur\xed\xa0\x80", "ovl\xe0\x80\xaf", "ovl\xf0\x80\x80\xaf",
                          "big\xf4\x90\x80\x80", "ovl\xc0\xaf"}) {
    INFO(bad);
    CHECK_THAT(error_of("name: \"" + std::string(bad) + "\"\n" + rule),
               Catch::Contains("name: is not valid UTF-8"));
  }
  CHECK(parse_config("name: \"\xf0\x9f\x90\x9b\xe2\x80\xa6\"\n" + rule, "b.yaml").name ==
        "\xf0\x9f\x90\x9b\xe2\x80\xa6");
  // A name from the file's stem is held to the same.
  try {
    parse_config(rule, "dir/stem-\xfe.yaml");
    FAIL("no error");
  } catch (const carl::InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("dir/stem-\\xfe.yaml: the run's name 'stem-\\xfe', "
                                         "the file's stem, is not valid UTF-8"));
  }
  CHECK(parse_config(rule, "dir/mine.yaml").name == "mine");
}

TEST_CASE("a rulestring's error in a config is escaped once", "[config][hostile]") {
  // The config wrapped the rulestring's own escaped quote in a second escape: \\xc3.
  const std::string e = error_of("provider:\n  rule: \"B3\xc3\xa9/S2\\\\3\"\n");
  CHECK_THAT(e, Catch::Contains("provider.rule: rulestring 'B3\\xc3\\xa9/S2\\\\3'"));
  CHECK_THAT(e, !Catch::Contains("\\\\x"));
}

TEST_CASE("a config is one YAML document", "[config]") {
  // The second was read by no one: its rule, and its unknown keys, went unnoticed.
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\n---\nprovider:\n  rule: B36/S23\nbogus: 1\n"),
             Catch::Contains("bad.yaml:4: a second YAML document"));
  CHECK(parse_config("---\nprovider:\n  rule: B3/S23\n", "bad.yaml").provider.rule == "B3/S23");
  CHECK_THAT(error_of("provider: {rule: B3/S23}\n...\nname: x\n"),
             Catch::Contains("bad.yaml:3: a second YAML document"));
  CHECK_THAT(error_of("%YAML 1.2\n---\nprovider: {rule: B3/S23}\n--- {name: x}\n"),
             Catch::Contains("bad.yaml:4: a second YAML document"));
  // An empty one after it holds nothing to miss; a marker in a line is no marker.
  for (const char* one :
       {"provider:\n  rule: B3/S23\n---\n", "provider: {rule: B3/S23}\n...\n# done\n",
        "provider: {rule: B3/S23}\n...\n%YAML 1.2\n---\n", "--- !!map\nprovider: {rule: B3/S23}\n",
        "provider: {rule: B3/S23}  # --- not a marker\n", "--- {provider: {rule: B3/S23}}\n"}) {
    INFO(one);
    CHECK(parse_config(one, "one.yaml").provider.rule == "B3/S23");
  }
  // yaml-cpp 0.7's LoadAll, which read the documents first, looped for ever on this input (the
  // fuzzer's find, kept in its corpus): it is refused, and returns.
  const std::string found =
      carl::ca::read_text_file(std::string(CARL_SOURCE_DIR) + "/fuzz/corpus/config/hang-loadall");
  CHECK_THAT(error_of(found), Catch::Contains("bad.yaml:"));
}

TEST_CASE("a config without a name keeps its run's name in the copy a run stores", "[config]") {
  using carl::experiment::read_config_file;
  carl::test::TempDir tmp;
  // Block and flow mappings, comments and an indented mapping; the copy is stored as config.yaml.
  for (const std::string text :
       {"provider:\n  rule: B3/S23\n", "# a comment\n\nprovider: {rule: B3/S23}\n",
        "{provider: {rule: B3/S23}, stopping: {max_trajectories: 3}}\n",
        "  provider:\n    rule: B3/S23\n",
        // yaml-cpp's positions do not count a byte-order mark; an explicit key goes before.
        "\xef\xbb\xbfprovider:\n  rule: B3/S23\n", "? provider\n: {rule: B3/S23}\n"}) {
    INFO(text);
    const std::string path = tmp.path() + "/my \"exp\".yaml";
    carl::ca::write_text_file(path, text);
    const auto file = read_config_file(path);
    REQUIRE(file.config.name == "my \"exp\"");
    const auto stored = parse_config(file.text, tmp.path() + "/run/config.yaml");
    REQUIRE(stored.name == "my \"exp\"");
    REQUIRE(carl::experiment::config_difference(stored, file.config, false).key.empty());
  }
  // A name given is left as written.
  carl::ca::write_text_file(tmp.path() + "/x.yaml", "name: other\nprovider: {rule: B3/S23}\n");
  REQUIRE(read_config_file(tmp.path() + "/x.yaml").text ==
          "name: other\nprovider: {rule: B3/S23}\n");
}

TEST_CASE("an external provider's protocol beside the built-in provider's rule is refused",
          "[config]") {
  carl::test::TempDir tmp;
  const std::string path = tmp.path() + "/p.yaml";
  carl::ca::write_text_file(path, "provider:\n  rule: B3/S23\n  protocol: rle\n");
  REQUIRE_THROWS_WITH(carl::experiment::read_config_file(path),
                      path +
                          ":3: provider.protocol: applies to an external provider's `command`, "
                          "not to the built-in provider's `rule`");
  // The built-in provider's own protocol is no contradiction; and a run directory's stored copy
  // from before the refusal still loads.
  carl::ca::write_text_file(path, "provider:\n  rule: B3/S23\n  protocol: carl\n");
  CHECK(carl::experiment::read_config_file(path).config.provider.rule == "B3/S23");
  CHECK(carl::experiment::parse_config("provider:\n  rule: B3/S23\n  protocol: rle\n", "stored")
            .provider.rule == "B3/S23");
}

TEST_CASE("a committee too large for the memory limit is refused up front", "[config][limits]") {
  // Width 1024, depth 16: about 16.8 million parameters a net; 64 of them and their training
  // state are tens of GB, over the default limit of 4 GiB (CARL_MEMORY_LIMIT unset in tests).
  const std::string big =
      "provider:\n  rule: B3/S23\nlearner:\n  width: 1024\n  depth: 16\n  committee: 64\n";
  CHECK_THAT(error_of(big),
             Catch::Contains("bad.yaml:3: learner: a committee") &&  // the section's own line
                 Catch::Contains("a committee of 64 nets of width 1024 and depth 16") &&
                 Catch::Contains("memory limit"));
  // The default committee, and a large one of default nets, fit.
  CHECK(error_of("provider:\n  rule: B3/S23\n") == "no error");
  CHECK(error_of("provider:\n  rule: B3/S23\nlearner:\n  committee: 64\n") == "no error");
}

TEST_CASE("the learner's closed choices are read against their names", "[config]") {
  namespace learner = carl::learner;
  using carl::experiment::Config;
  const Config c = parse_config(
      "provider:\n  rule: B3/S23\nlearner:\n  activation: gelu\n  objective: counts\n"
      "  optimizer: sgd\n  device: auto\n  symmetry: fixed:pm-v\n",
      "c.yaml");
  REQUIRE(c.learner.net.activation == learner::Activation::gelu);
  REQUIRE(c.learner.train.objective == learner::Objective::counts);
  REQUIRE(c.learner.train.optimizer == learner::Optimizer::sgd);
  REQUIRE(c.learner.device == learner::Device::automatic);
  REQUIRE(c.learner.symmetry.kind == learner::SymmetryMethod::fixed);
  REQUIRE(c.learner.symmetry.group.name() == "pm-v");
  const Config d = parse_config("provider:\n  rule: B3/S23\n", "d.yaml");
  REQUIRE(d.learner.net.activation == learner::Activation::relu);
  REQUIRE(d.learner.train.optimizer == learner::Optimizer::adam);
  REQUIRE(d.learner.device == learner::Device::cpu);
  REQUIRE(d.learner.symmetry == learner::SymmetryMethod::data);
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  activation: swish\n"),
             Catch::Contains("bad.yaml:4") && Catch::Contains("learner.activation") &&
                 Catch::Contains("'swish' is not one of: relu, tanh, gelu"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  objective: mse\n"),
             Catch::Contains("'mse' is not one of: balanced, counts"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  optimizer: lbfgs\n"),
             Catch::Contains("'lbfgs' is not one of: adam, sgd"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  device: tpu\n"),
             Catch::Contains("'tpu' is not one of: auto, cpu, cuda"));
  CHECK_THAT(error_of("provider:\n  rule: B3/S23\nlearner:\n  symmetry: vibes\n"),
             Catch::Contains("'vibes' is not one of: data, function, kernels, fixed:<group>"));
}

TEST_CASE("the config and carl-provider refuse the same values in the same words", "[config]") {
  // One declaration (provider/parameters.h) behind both: provider.<key> in a config, --<key> on
  // carl-provider's command line.
  carl::test::TempDir tmp;
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"height", "5000"},
                                                        {"width", "2"},
                                                        {"steps", "0"},
                                                        {"steps", "100001"},
                                                        {"density", "1.5"},
                                                        {"noise", "0.6"},
                                                        {"mode", "sphere"},
                                                        {"world_scale", "65"}}) {
    INFO(key << " " << value);
    const std::string config_error =
        error_of("provider:\n  rule: B3/S23\n  " + key + ": " + value + "\n");
    const std::string prefix = "provider." + key + ": ";
    REQUIRE(config_error.find(prefix) != std::string::npos);
    const std::string problem = config_error.substr(config_error.find(prefix) + prefix.size());
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    const std::string cmd = std::string(CARL_PROVIDER_EXE) + " --rule B3/S23 " + flag + " " +
                            value + " < /dev/null > /dev/null 2> " + tmp.path() + "/err";
    REQUIRE(std::system(cmd.c_str()) != 0);
    REQUIRE_THAT(carl::ca::read_text_file(tmp.path() + "/err"),
                 Catch::Contains(flag + " " + problem));
  }
}

TEST_CASE("config_entries lists every documented key, as parsed", "[config][docs]") {
  // What carl run --resume compares: a key missing here would let a changed config through.
  std::vector<std::string> documented = carl::test::documented_config_keys();
  const auto c = parse_config("provider:\n  rule: B3/S23\n", "x.yaml");
  std::vector<std::string> listed;
  for (const auto& [key, value] : carl::experiment::config_entries(c)) listed.push_back(key);
  std::sort(documented.begin(), documented.end());
  std::sort(listed.begin(), listed.end());
  REQUIRE(listed == documented);
  // Parsed values, not text: defaults written out, numbers and rules in other words are equal.
  const auto same = parse_config(
      "name: other\nprovider:\n  rule: S23/B3\n  height: 24\n  density: 0.30\noutput:\n  runs_dir: "
      "elsewhere\n",
      "y.yaml");
  REQUIRE(carl::experiment::config_difference(c, same, true).key.empty());
  REQUIRE(carl::experiment::config_difference(c, same, false).key == "name");
  const auto seeded = parse_config("provider:\n  rule: B3/S23\nlearner:\n  seed: 2\n", "x.yaml");
  const auto d = carl::experiment::config_difference(c, seeded, true);
  REQUIRE(d.key == "learner.seed");
  REQUIRE(d.a == "1");
  REQUIRE(d.b == "2");
}
