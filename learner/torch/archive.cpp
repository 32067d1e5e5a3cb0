// The checkpoints of carl before 2026-11-30: a net's parameters and, each as a typed field of the
// same LibTorch archive, what rebuilding it needs (configuration, group, seed).
#include <sstream>

#include "ca/error.h"
#include "learner/torch/cell_net.h"

namespace carl::learner {
namespace {

// The archive's own keys for the fields; the parameters are under the module's names.
constexpr const char* kWidth = "carl.width";
constexpr const char* kDepth = "carl.depth";
constexpr const char* kActivation = "carl.activation";
constexpr const char* kPrecision = "carl.precision";
constexpr const char* kGroup = "carl.group";
constexpr const char* kSeed = "carl.seed";

// Reads one field, naming it (and the file) when it is missing or of the wrong type.
class Fields {
 public:
  Fields(torch::serialize::InputArchive& archive, const std::string& path)
      : archive_(archive), path_(path) {}

  std::int64_t integer(const char* key) {
    const c10::IValue v = read(key);
    if (!v.isInt()) throw wrong(key, "an integer");
    return v.toInt();
  }
  std::string text(const char* key) {
    const c10::IValue v = read(key);
    if (!v.isString()) throw wrong(key, "a string");
    return v.toStringRef();
  }
  template <class Choice>
  Choice choice(const char* key) {
    const std::string word = text(key);
    const auto c = parse_choice<Choice>(word);
    if (!c) throw problem(key, not_one_of<Choice>(word));
    return *c;
  }
  InputError problem(const char* key, const std::string& what) const {
    return InputError(fmt::format("{}: checkpoint field '{}': {}", path_, key, what));
  }

 private:
  c10::IValue read(const char* key) {
    c10::IValue v;
    bool found = false;
    try {
      found = archive_.try_read(key, v);
    } catch (const c10::Error&) {
    }
    if (!found) throw problem(key, "missing (not a net saved by this version of carl)");
    return v;
  }
  InputError wrong(const char* key, const char* type) const {
    return problem(key, fmt::format("expected {}", type));
  }

  torch::serialize::InputArchive& archive_;
  const std::string& path_;
};

}  // namespace

std::string write_archive(const NetState& net) {
  TorchNet t(net, torch::kCPU);
  torch::serialize::OutputArchive archive;
  t.module->save(archive);
  const NetConfig& c = net.config;
  archive.write(kWidth, c10::IValue(static_cast<std::int64_t>(c.width)));
  archive.write(kDepth, c10::IValue(static_cast<std::int64_t>(c.depth)));
  archive.write(kActivation, c10::IValue(std::string(choice_name(c.activation))));
  archive.write(kPrecision, c10::IValue(std::string(choice_name(c.precision))));
  archive.write(kGroup, c10::IValue(net.group.name()));
  // The seed's 64 bits, as the archive's signed integer.
  archive.write(kSeed, c10::IValue(static_cast<std::int64_t>(net.seed)));
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

NetState read_archive(const std::string& path) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: not a carl net checkpoint", path));
  }
  Fields fields(archive, path);
  NetState s;
  NetConfig& c = s.config;
  const std::int64_t width = fields.integer(kWidth), depth = fields.integer(kDepth);
  if (width < 1 || width > 4096)
    throw fields.problem(kWidth, fmt::format("{} is outside [1, 4096]", width));
  if (depth < 0 || depth > 64)
    throw fields.problem(kDepth, fmt::format("{} is outside [0, 64]", depth));
  c.width = static_cast<int>(width);
  c.depth = static_cast<int>(depth);
  c.activation = fields.choice<Activation>(kActivation);
  c.precision = fields.choice<Precision>(kPrecision);
  try {
    s.group = groups::Subgroup::parse(fields.text(kGroup));
  } catch (const InputError& e) {
    throw fields.problem(kGroup, e.what());
  }
  s.seed = static_cast<std::uint64_t>(fields.integer(kSeed));
  s.params = initial_parameters(c, s.seed);
  TorchNet net(s, torch::kCPU);
  try {
    net.module->load(archive);
  } catch (const c10::Error&) {
    throw InputError(
        fmt::format("{}: the parameters do not fit a net of width {}, depth {} and group {}", path,
                    c.width, c.depth, s.group.name()));
  }
  net.module->to(torch::kCPU, net.dtype);
  return net.state();
}

}  // namespace carl::learner
