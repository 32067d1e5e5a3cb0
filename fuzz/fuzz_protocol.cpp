// The provider protocol reader, as carl meets a provider's output: a greeting line, a
// TRAJECTORY header line, then the payload, checked and unpacked exactly as Client does.
#include <cstdlib>

#include "fuzz/fuzz.h"
#include "provider/error.h"
#include "provider/limits.h"
#include "provider/protocol.h"

namespace {
bool take_line(std::string& rest, std::string& line) {
  const std::size_t nl = rest.find('\n');
  if (nl == std::string::npos) return false;
  line = rest.substr(0, nl);
  rest.erase(0, nl + 1);
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carl;
  static const bool limited = ::setenv("CARL_MEMORY_LIMIT", "64M", 1) == 0;
  (void)limited;
  std::string rest = fuzz::text(data, size), line;
  try {
    if (!take_line(rest, line)) return 0;
    const provider::Shape shape = provider::parse_greeting(line, "'fuzz'");
    provider::require_fits(provider::client_bytes(shape), "fuzz");
    if (!take_line(rest, line)) return 0;
    const provider::TrajectoryHeader h = provider::parse_trajectory_header(line, "fuzz");
    if (h.bytes != static_cast<long long>(provider::payload_bytes(shape))) return 0;
    if (rest.size() < static_cast<std::size_t>(h.bytes)) return 0;
    const std::string payload = rest.substr(0, static_cast<std::size_t>(h.bytes));
    const ca::Trajectory t = provider::unpack_frames(payload, shape);
    if (t.steps() != shape.steps) fuzz::broken("wrong frame count");
    if (provider::pack_frames(t) != payload) {
      // Padding bits past the last cell may differ; compare only whole frames' cells.
      const provider::Shape again{shape.height, shape.width, shape.steps, shape.mode};
      if (provider::unpack_frames(provider::pack_frames(t), again) != t)
        fuzz::broken("pack_frames/unpack_frames does not round-trip");
    }
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  return 0;
}
