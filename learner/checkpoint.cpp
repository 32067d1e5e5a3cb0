// Checkpoints: a net as one JSON object (the configuration, group and seed, and its parameters per
// layer under LibTorch's module names), and the LibTorch archives of carl before 2026-11-30, read
// through the LibTorch module.
#include <cfloat>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "ca/error.h"
#include "learner/torch_backend.h"

namespace carl::learner {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "carl_net";  // the format's version, 1
constexpr int kVersion = 1;

// The layers under LibTorch's names, with their lengths, in parameter order.
std::vector<std::pair<std::string, long>> layers(const NetConfig& c) {
  const long w = c.width;
  std::vector<std::pair<std::string, long>> out = {{"first.weight", w * 9}, {"first.bias", w}};
  for (int l = 0; l < c.depth; ++l) {
    out.emplace_back(fmt::format("hidden.{}.weight", l), w * w);
    out.emplace_back(fmt::format("hidden.{}.bias", l), w);
  }
  out.emplace_back("out.weight", w);
  out.emplace_back("out.bias", 1);
  return out;
}

// Reads the fields of one checkpoint, naming the file and the field at fault.
class Fields {
 public:
  Fields(const json& top, const std::string& path) : top_(top), path_(path) {}

  const json& get(const std::string& key, bool (json::*is)() const, const char* type) const {
    const auto it = top_.find(key);
    if (it == top_.end()) throw problem(key, "missing");
    if (!((*it).*is)()) throw problem(key, fmt::format("expected {}", type));
    return *it;
  }
  long integer(const std::string& key, long lo, long hi) const {
    const json& v = get(key, &json::is_number_integer, "an integer");
    // (An unsigned value beyond long's range reads as negative: refused too, as written.)
    const long x = v.get<long>();
    if (x < lo || x > hi)
      throw problem(key, fmt::format("{} is outside [{}, {}]", v.dump(), lo, hi));
    return x;
  }
  std::string text(const std::string& key) const {
    return get(key, &json::is_string, "a string").get<std::string>();
  }
  template <class Choice>
  Choice choice(const std::string& key) const {
    const std::string word = text(key);
    const auto c = parse_choice<Choice>(word);
    if (!c) throw problem(key, not_one_of<Choice>(word));
    return *c;
  }
  InputError problem(const std::string& key, const std::string& what) const {
    return InputError(fmt::format("{}: checkpoint field '{}': {}", path_, key, what));
  }

 private:
  const json& top_;
  const std::string& path_;
};

// A checkpoint's state, as any checkpoint is checked: the shape in range, the parameters of the
// right count (InputError naming the file).
NetState checked(NetState s, const std::string& path) {
  if (static_cast<long>(s.params.size()) != parameter_count(s.config))
    throw InputError(
        fmt::format("{}: the parameters do not fit a net of width {}, depth {} and group {}", path,
                    s.config.width, s.config.depth, s.group.name()));
  return s;
}

// JSON has no NaN or infinity: a parameter that is one (a diverged net) is written as the string
// "NaN", "Infinity" or "-Infinity" (JavaScript's names), and read back as itself.
json parameter_value(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
}
std::optional<double> non_finite(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

NetState read_json(const std::string& path, const std::string& text) {
  json top;
  try {
    top = json::parse(text);
  } catch (const json::exception&) {
    throw InputError(fmt::format("{}: not a carl net checkpoint (not JSON)", path));
  }
  if (!top.is_object() || !top.contains(kFormat))
    throw InputError(fmt::format("{}: not a carl net checkpoint (no '{}' field)", path, kFormat));
  const Fields fields(top, path);
  if (fields.integer(kFormat, 1, 1000) != kVersion)
    throw fields.problem(kFormat, fmt::format("version {} is not {}, this carl's",
                                              top[kFormat].get<long>(), kVersion));
  NetState s;
  s.config.width = static_cast<int>(fields.integer("width", 1, 4096));
  s.config.depth = static_cast<int>(fields.integer("depth", 0, 64));
  s.config.activation = fields.choice<Activation>("activation");
  s.config.precision = fields.choice<Precision>("precision");
  try {
    s.group = groups::Subgroup::parse(fields.text("group"));
  } catch (const InputError& e) {
    throw fields.problem("group", e.what());
  }
  const json& seed = fields.get("seed", &json::is_number_unsigned, "an unsigned integer");
  s.seed = seed.get<std::uint64_t>();
  const json& params = fields.get("parameters", &json::is_object, "an object");
  for (const auto& [name, length] : layers(s.config)) {
    const std::string key = "parameters." + name;
    const auto it = params.find(name);
    if (it == params.end()) throw fields.problem(key, "missing");
    if (!it->is_array() || static_cast<long>(it->size()) != length)
      throw fields.problem(key, fmt::format("expected an array of {} numbers", length));
    for (const json& v : *it) {
      if (const auto special = non_finite(v)) {  // a diverged net, saved as it was
        s.params.push_back(*special);
        continue;
      }
      if (!v.is_number()) throw fields.problem(key, "expected numbers");
      double x = v.get<double>();
      // A float32 net holds float32 values (as its training would have left them): a value beyond
      // float32's range is refused, not rounded to infinity.
      const bool f32 = s.config.precision == Precision::float32;
      if (!std::isfinite(x) || (f32 && std::abs(x) > double(FLT_MAX)))
        throw fields.problem(
            key, fmt::format("{} is not finite in {}", v.dump(), choice_name(s.config.precision)));
      if (f32) x = double(float(x));
      s.params.push_back(x);
    }
  }
  if (params.size() != layers(s.config).size())
    throw fields.problem("parameters", "holds layers that a net of this shape does not have");
  return s;
}

}  // namespace

void Net::save(const std::string& path) const {
  const std::string text = serialized();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.flush()) throw InputError(fmt::format("{}: cannot write the net", path));
}

std::string Net::serialized() const {
  const NetConfig& c = state_.config;
  json params = json::object();
  std::size_t offset = 0;
  for (const auto& [name, length] : layers(c)) {
    json values = json::array();
    for (long i = 0; i < length; ++i) values.push_back(parameter_value(state_.params[offset++]));
    params[name] = std::move(values);
  }
  const json top = {{kFormat, kVersion},
                    {"width", c.width},
                    {"depth", c.depth},
                    {"activation", choice_name(c.activation)},
                    {"precision", choice_name(c.precision)},
                    {"group", state_.group.name()},
                    {"seed", state_.seed},
                    {"parameters", std::move(params)}};
  return top.dump() + "\n";
}

Net Net::load(const std::string& path, Device device) {
  // A FIFO or device would block or never end; a directory is no checkpoint either.
  std::error_code ec;
  const auto kind = std::filesystem::status(path, ec).type();
  if (!ec && kind != std::filesystem::file_type::regular)
    throw InputError(fmt::format("{}: not a regular file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read the net", path));
  std::ostringstream text;
  text << in.rdbuf();
  const std::string bytes = text.str();
  // A zip file: the LibTorch archive of carl before 2026-11-30.
  if (bytes.rfind("PK\x03\x04", 0) == 0) {
    const TorchBackend* torch = nullptr;
    try {
      torch = &torch_backend();
    } catch (const InputError& e) {
      throw InputError(
          fmt::format("{}: a LibTorch checkpoint of carl before 2026-11-30: {}", path, e.what()));
    }
    return Net(checked(torch->read_archive(path), path), device);
  }
  return Net(checked(read_json(path, bytes), path), device);
}

}  // namespace carl::learner
