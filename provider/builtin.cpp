#include "provider/builtin.h"

#include <random>

#include "ca/error.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "provider/error.h"
#include "provider/limits.h"

namespace carl::provider {
namespace {

std::uint64_t mix(std::uint64_t seed, std::uint64_t k, std::uint64_t stream) {
  // SplitMix64 finaliser over the three inputs: independent streams per request and purpose.
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL ^ (k + 1) * 0xBF58476D1CE4E5B9ULL ^
                    (stream + 1) * 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

HiddenRuleWorld::HiddenRuleWorld(const ProviderOptions& o) : options_(o) {
  if (const std::string problem = first_problem(o); !problem.empty())
    throw InputError("provider: " + problem);
  if (o.start_index < 0 || o.start_index > 2000000000)  // the protocol's trajectory numbers
    throw InputError(
        fmt::format("provider: --start-index {} is not in [0, 2000000000]", o.start_index));
  rule_ = ca::parse_rule(o.rule);
  // Refused up front rather than grown into until std::bad_alloc.
  require_fits(provider_bytes(shape(), o.world_scale),
               fmt::format("provider: a trajectory of {} frames of {}x{} (HxW){}", o.steps + 1,
                           o.height, o.width,
                           o.mode == ca::Boundary::window
                               ? fmt::format(" (a world {} times as wide and high)", o.world_scale)
                               : std::string()));
}

Shape HiddenRuleWorld::shape() const {
  return {options_.height, options_.width, options_.steps, options_.mode};
}

ca::Trajectory HiddenRuleWorld::trajectory(int k) const {
  const auto& o = options_;
  const bool window = o.mode == ca::Boundary::window;
  const int wh = window ? o.height * o.world_scale : o.height;
  const int ww = window ? o.width * o.world_scale : o.width;
  const ca::Grid world0 = ca::random_soup(wh, ww, o.density, mix(o.seed, std::uint64_t(k), 0));
  const ca::Trajectory world = ca::simulate(rule_, world0, o.steps);
  ca::Trajectory shown;
  const int r0 = (wh - o.height) / 2, c0 = (ww - o.width) / 2;
  for (const ca::Grid& g : world.frames)
    shown.frames.push_back(window ? g.crop(r0, c0, o.height, o.width) : g);
  if (o.noise > 0) {
    std::mt19937_64 rng(mix(o.seed, std::uint64_t(k), 1));
    const long double scaled = static_cast<long double>(o.noise) * 18446744073709551616.0L;
    const std::uint64_t threshold = static_cast<std::uint64_t>(scaled);
    for (ca::Grid& g : shown.frames)
      for (int r = 0; r < g.height(); ++r)
        for (int c = 0; c < g.width(); ++c)
          if (rng() < threshold) g.set(r, c, !g.at(r, c));
  }
  return shown;
}

int serve(const ProviderOptions& options, std::FILE* in, std::FILE* out) {
  const HiddenRuleWorld world(options);
  auto send = [&](const std::string& s) {
    if (std::fwrite(s.data(), 1, s.size(), out) != s.size() || std::fflush(out) != 0) return false;
    return true;
  };
  if (!send(greeting_line(world.shape()))) return 1;
  int served = options.start_index;
  std::string line;
  for (int ch; (ch = std::fgetc(in)) != EOF;) {
    if (ch != '\n') {
      if (line.size() < 256) line += char(ch);
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool ok = true;
    if (line == "NEXT") {
      const std::string payload = pack_frames(world.trajectory(served));
      ok = send(trajectory_header(served, payload) + payload);
      ++served;
    } else if (line.rfind("START ", 0) == 0) {
      // Resuming: the next trajectory served is number k (docs/provider-protocol.md).
      const auto k = parse_integer(std::string_view(line).substr(6), 0, 2000000000);
      if (k) served = static_cast<int>(*k);
      ok = send(k ? fmt::format("STARTED {}\n", *k)
                  : std::string("ERROR START needs a trajectory number in [0, 2000000000]\n"));
    } else if (line == "REVEAL") {
      ok = send(options.allow_reveal
                    ? "RULE " + ca::emit_rule(world.rule()) + "\n"
                    : std::string("ERROR reveal is not allowed (start the provider with "
                                  "--allow-reveal)\n"));
    } else if (line == "QUIT") {
      send("BYE\n");
      return 0;
    } else {
      ok = send("ERROR unknown request '" + printable(line.substr(0, 40)) + "'\n");
    }
    if (!ok) return 1;  // the client went away
    line.clear();
  }
  return 0;
}

}  // namespace carl::provider
