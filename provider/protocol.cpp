#include "provider/protocol.h"

#include <limits>
#include <optional>
#include <sstream>

#include "ca/choice.h"
#include "provider/error.h"
#include "provider/limits.h"

namespace carl::provider {

std::string greeting_line(const Shape& s) {
  return fmt::format("{} {} {} {} {} {}\n", kGreetingWord, kProtocolVersion, s.height, s.width,
                     s.steps, choice_name(s.mode));
}

TrajectoryHeader parse_trajectory_header(const std::string& line, const std::string& who) {
  std::istringstream in(line);
  std::string word, seq, bytes, extra;
  TrajectoryHeader h;
  std::optional<long long> s, b;
  if ((in >> word >> seq >> bytes >> h.checksum) && word == "TRAJECTORY" && !(in >> extra)) {
    s = parse_integer(seq, 0, 2000000000);
    b = parse_integer(bytes, 0, std::numeric_limits<long long>::max());
  }
  if (!s || !b || h.checksum.size() != 16 ||
      h.checksum.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw ProviderError(
        fmt::format("{} sent a malformed reply '{}' (expected 'TRAJECTORY <seq> <bytes> "
                    "<checksum>')",
                    who, printable(line.substr(0, 60))));
  h.seq = *s;
  h.bytes = *b;
  return h;
}

Shape parse_greeting(const std::string& line, const std::string& who) {
  std::istringstream in(line);
  std::string word, extra;
  int version = 0;
  std::string mode;
  Shape s;
  if (!(in >> word >> version >> s.height >> s.width >> s.steps >> mode) || word != kGreetingWord ||
      (in >> extra))
    throw ProviderError(fmt::format("provider {}: bad greeting '{}' (expected '{} {} H W T mode')",
                                    who, printable(line.substr(0, 80)), kGreetingWord,
                                    kProtocolVersion));
  if (version != kProtocolVersion)
    throw ProviderError(fmt::format("provider {}: speaks protocol version {}, carl speaks {}", who,
                                    version, kProtocolVersion));
  if (s.height < 1 || s.width < 1 || s.steps < 1 || s.height > 65536 || s.width > 65536 ||
      s.steps > 1000000 || !parse_choice<ca::Boundary>(mode))
    throw ProviderError(fmt::format("provider {}: greeting has an invalid shape '{}'", who,
                                    printable(line.substr(0, 80))));
  s.mode = *parse_choice<ca::Boundary>(mode);
  return s;
}

std::size_t payload_bytes(const Shape& s) {
  const std::size_t frame = (static_cast<std::size_t>(s.height) * s.width + 7) / 8;
  return frame * static_cast<std::size_t>(s.steps + 1);
}

std::string pack_frames(const ca::Trajectory& t) {
  std::string out;
  for (const ca::Grid& g : t.frames) {
    std::string frame((g.size() + 7) / 8, '\0');
    const auto& cells = g.cells();
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (cells[i]) frame[i / 8] = char(frame[i / 8] | (1 << (i % 8)));
    out += frame;
  }
  return out;
}

ca::Trajectory unpack_frames(const std::string& payload, const Shape& s) {
  if (payload.size() != payload_bytes(s))
    throw ProviderError(
        fmt::format("payload of {} bytes, expected {}", payload.size(), payload_bytes(s)));
  const std::size_t frame_bytes = (static_cast<std::size_t>(s.height) * s.width + 7) / 8;
  ca::Trajectory t;
  for (int f = 0; f <= s.steps; ++f) {
    ca::Grid g(s.height, s.width);
    const char* base = payload.data() + static_cast<std::size_t>(f) * frame_bytes;
    for (int r = 0; r < s.height; ++r)
      for (int c = 0; c < s.width; ++c) {
        const std::size_t i = static_cast<std::size_t>(r) * s.width + c;
        g.set(r, c, (base[i / 8] >> (i % 8)) & 1);
      }
    t.frames.push_back(std::move(g));
  }
  return t;
}

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64-bit offset basis
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string trajectory_header(int seq, const std::string& payload) {
  return fmt::format("TRAJECTORY {} {} {:016x}\n", seq, payload.size(), fnv1a64(payload));
}

}  // namespace carl::provider
