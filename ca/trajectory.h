#pragma once
// A trajectory x_0 … x_T: T+1 frames of one size, each the successor of the one before under
// some rule (on a torus, or as the visible window of a larger world).
#include <string>
#include <vector>

#include "ca/grid.h"

namespace carl::ca {

struct Trajectory {
  std::vector<Grid> frames;

  int steps() const { return frames.empty() ? 0 : static_cast<int>(frames.size()) - 1; }
  friend bool operator==(const Trajectory& a, const Trajectory& b) { return a.frames == b.frames; }
  friend bool operator!=(const Trajectory& a, const Trajectory& b) { return !(a == b); }
};

// A trajectory on disk is its frames as consecutive RLE patterns (each with its own header and
// a "#C frame t" comment), so each frame opens in Golly or LifeViewer.
std::string trajectory_to_rle(const Trajectory& trajectory, const std::string& rule = "");
// Parses what trajectory_to_rle writes (or any run of RLE patterns); every frame must have the
// size of the first. `source` names the file in error messages.
Trajectory trajectory_from_rle(const std::string& text, const std::string& source);

}  // namespace carl::ca
