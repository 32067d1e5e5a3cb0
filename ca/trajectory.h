#pragma once
// A trajectory x_0 … x_T: T+1 frames of one size, each the successor of the one before under
// some rule (on a torus, or as the visible window of a larger world).
#include <cstdint>
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

// How far predicted frames stray from a trajectory: the share of wrong cells, per step and over
// all steps. Both rollouts (the net's L1, the table's L2) and one-step predictions are scored so.
struct RolloutScore {
  std::vector<double> per_step;  // per_step[i]: the share of wrong cells of the i-th frame added
  double loss = 0;               // over every frame added
  long wrong_cells = 0;          // counts, so that scores of several trajectories can be pooled
  long cells = 0;

  // Scores the predicted frame `got` against the true frame `want`, whose centre it must match
  // (in window mode a prediction t steps on covers only the interior that x_0 determines: the
  // frame less t cells each side). Cells set in `undetermined` (got's size) count as wrong.
  void add(const Grid& got, const Grid& want, const Grid* undetermined = nullptr);
};

// The share of wrong cells over the scores of all `data`, each trajectory scored by
// `score(trajectory)` (a RolloutScore or one derived from it): every cell weighs alike.
template <class Score>
double pooled_loss(const std::vector<Trajectory>& data, Score&& score) {
  long wrong = 0, cells = 0;
  for (const Trajectory& t : data) {
    const RolloutScore& s = score(t);
    wrong += s.wrong_cells;
    cells += s.cells;
  }
  return cells ? double(wrong) / double(cells) : 0.0;
}

// A trajectory on disk is its frames as consecutive RLE patterns (each with its own header and
// a "#C frame t" comment), so each frame opens in Golly or LifeViewer.
std::string trajectory_to_rle(const Trajectory& trajectory, const std::string& rule = "");
// Parses what trajectory_to_rle writes (or any run of RLE patterns); every frame must have the
// size of the first. `source` names the file in error messages. The frames together may hold at
// most `max_cells` cells: the frame that passes it is refused, naming its line, before another
// is read (a few bytes of header, "x = 8192, y = 8192" and "!", make a frame of 64 Mi cells).
Trajectory trajectory_from_rle(const std::string& text, const std::string& source,
                               std::uint64_t max_cells = UINT64_MAX);

}  // namespace carl::ca
