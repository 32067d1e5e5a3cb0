#pragma once
// The provider wire protocol (docs/provider-protocol.md): text lines, and a length-prefixed,
// checksummed binary payload for each trajectory. Nothing in it can carry the rule except the
// reply to REVEAL, which a provider answers only when started with --allow-reveal.
#include <cstdint>
#include <string>
#include <vector>

#include "ca/simulate.h"
#include "ca/trajectory.h"

namespace carl::provider {

inline constexpr int kProtocolVersion = 1;
inline constexpr const char* kGreetingWord = "CARL-PROVIDER";

// What every trajectory from one provider looks like.
struct Shape {
  int height = 0;
  int width = 0;
  int steps = 0;                            // T: each trajectory has T+1 frames
  ca::Boundary mode = ca::Boundary::torus;  // torus | window: a word in the greeting
  friend bool operator==(const Shape& a, const Shape& b) {
    return a.height == b.height && a.width == b.width && a.steps == b.steps && a.mode == b.mode;
  }
};

std::string greeting_line(const Shape& shape);  // "CARL-PROVIDER 1 H W T mode\n"
// Throws ProviderError naming `who` when the line is not a valid greeting.
Shape parse_greeting(const std::string& line, const std::string& who);

// Frames packed row-major, one bit per cell (cell i of a frame: byte i/8, bit i%8), each frame
// padded to whole bytes.
std::string pack_frames(const ca::Trajectory& trajectory);
ca::Trajectory unpack_frames(const std::string& payload, const Shape& shape);
std::size_t payload_bytes(const Shape& shape);
std::uint64_t fnv1a64(const std::string& bytes);

// "TRAJECTORY <seq> <bytes> <fnv1a64 hex>\n"
std::string trajectory_header(int seq, const std::string& payload);

struct TrajectoryHeader {
  long long seq = -1;
  long long bytes = -1;
  std::string checksum;  // 16 lowercase hex digits
};
// Parses a TRAJECTORY line (without its '\n'); ProviderError naming `who` when malformed.
TrajectoryHeader parse_trajectory_header(const std::string& line, const std::string& who);

}  // namespace carl::provider
