#include "experiment/learn.h"

#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <type_traits>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/trajectory.h"
#include "experiment/config.h"
#include "experiment/run.h"
#include "experiment/run_dir.h"
#include "provider/client.h"
#include "provider/limits.h"
#include "provider/parameters.h"

namespace carl::experiment {

std::vector<std::string> learn_stand_in(std::size_t recordings) {
  return {"carl", "learn", "--no-more", std::to_string(recordings)};
}

bool is_learn_run(const Config& config) {
  const auto& c = config.provider.command;
  const auto stand_in = learn_stand_in(0);
  return c.size() == stand_in.size() && std::equal(stand_in.begin(), stand_in.end() - 1, c.begin());
}

int learn_from_files(const LearnOptions& o, std::string* run_dir) {
  if (o.files.empty()) throw InputError("carl learn: give one or more recorded trajectory files");
  std::vector<ca::Trajectory> recorded;
  for (const std::string& f : o.files) {
    ca::Trajectory t =
        ca::trajectory_from_rle(ca::read_text_file(f), f, provider::rle_trajectory_cells());
    if (t.frames.size() < 2)
      throw InputError(fmt::format("{}: a recorded trajectory needs at least 2 frames, found {}", f,
                                   t.frames.size()));
    if (!recorded.empty() &&
        (t.frames[0].height() != recorded[0].frames[0].height() ||
         t.frames[0].width() != recorded[0].frames[0].width() || t.steps() != recorded[0].steps()))
      throw InputError(fmt::format(
          "{}: {} frames of {}x{} (WxH), but {} has {} frames of {}x{}: recordings must share one "
          "shape",
          f, t.frames.size(), t.frames[0].width(), t.frames[0].height(), o.files[0],
          recorded[0].frames.size(), recorded[0].frames[0].width(),
          recorded[0].frames[0].height()));
    recorded.push_back(std::move(t));
  }
  const ca::Grid& g = recorded[0].frames[0];
  // The recordings' sizes within a run's ranges (provider/parameters.h), refused naming the
  // recording rather than a line of the config written below.
  ProviderSettings shape;  // the recordings' shape, in the user's provider.mode (below)
  shape.height = g.height();
  shape.width = g.width();
  shape.steps = recorded[0].steps();
  provider::visit_parameters(static_cast<const provider::WorldParameters&>(shape),
                             [&](const auto& parameter, const auto& value) {
                               if constexpr (std::is_same_v<std::decay_t<decltype(value)>, int>) {
                                 const std::string problem = parameter.problem(value);
                                 if (!problem.empty())
                                   throw InputError(fmt::format(
                                       "{}: {} frames of {}x{} (WxH): {} {} (a run's provider.{})",
                                       o.files[0], recorded[0].frames.size(), g.width(), g.height(),
                                       parameter.name, problem, parameter.name));
                               }
                             });

  // The config: the user's, with its provider section replaced by the recordings' shape and
  // its budget set to exactly the recordings.
  YAML::Node root(YAML::NodeType::Map);
  std::string name = o.name;
  if (!o.config.empty()) {
    const std::string user_text = ca::read_text_file(o.config);
    // Validated as the user wrote it; the provider section may be left out (it is replaced).
    const Config user = parse_config(user_text, o.config, /*need_provider=*/false);
    if (name.empty()) name = user.name;
    shape.mode = user.provider.mode;
    try {
      root = YAML::Load(user_text);
    } catch (const YAML::Exception& e) {
      throw InputError(fmt::format("{}: not valid YAML: {}", o.config, e.what()));
    }
  }
  if (name.empty()) {
    name = std::filesystem::path(o.files[0]).stem().string();
    if (const std::string problem = run_name_problem(name); !problem.empty())
      throw InputError(fmt::format("{}: the run's name '{}', the file's stem, {}; give --name",
                                   printable(o.files[0]), printable(name), problem));
  } else if (const std::string problem = run_name_problem(name); !problem.empty()) {
    throw InputError(fmt::format("--name '{}': {}", printable(name), problem));
  }
  // The memory one trajectory of that shape needs, as the run's config checks it, refused naming
  // the recording rather than a line of the config written below.
  provider::require_fits(trajectory_bytes(shape),
                         fmt::format("{}: a recorded trajectory of {} frames of {}x{} (WxH)",
                                     o.files[0], recorded[0].frames.size(), g.width(), g.height()));
  YAML::Node provider(YAML::NodeType::Map);
  provider["command"] = o.no_provider;
  provider["protocol"] = "rle";
  provider["height"] = g.height();
  provider["width"] = g.width();
  provider["steps"] = recorded[0].steps();
  provider["mode"] = std::string(choice_name(shape.mode));
  root["provider"] = provider;
  root["name"] = name;
  root["stopping"]["max_trajectories"] = static_cast<int>(recorded.size());
  YAML::Emitter out;
  out << root;
  const std::string text = fmt::format(
      "# carl learn: {} recorded trajectories, no live provider (the command below is\n"
      "# never started: the budget is the recordings)\n{}\n",
      recorded.size(), out.c_str());
  const Config cfg = parse_config(text, o.config.empty() ? "carl learn" : o.config);

  const RunDir dir = RunDir::create(cfg.output.runs_dir, cfg.name);
  dir.write_config(text);
  const provider::TrajectoryStore store(dir.path());
  for (std::size_t k = 0; k < recorded.size(); ++k) store.save(recorded[k], static_cast<int>(k));
  if (run_dir) *run_dir = dir.path();
  fmt::print("carl learn: {} recorded trajectories of {} frames of {}x{} (WxH) -> {}\n",
             recorded.size(), recorded[0].frames.size(), g.width(), g.height(),
             terminal_safe(dir.path()));
  ResumeOptions trust;
  trust.trust_provider = true;  // carl wrote that command itself
  const int rc = resume_experiment(dir, "", trust);
  if (rc != 0)
    fmt::print(
        "carl learn: the recordings did not settle the rule: the loop would need at least one "
        "more trajectory of {}x{} (WxH), {} steps (record more, then: carl learn {} NEW.rle …)\n",
        g.width(), g.height(), recorded[0].steps(),
        terminal_safe(fmt::format("{}", fmt::join(o.files, " "))));
  return rc;
}

}  // namespace carl::experiment
