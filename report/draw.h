#pragma once
// The run's pictures, drawn with Cairo, each as PNG bytes and as SVG text.
#include <string>
#include <vector>

#include "report/run_data.h"

namespace carl::report {

struct Picture {
  int width = 0, height = 0;  // pixels
  std::string png;            // PNG file contents
  std::string svg;            // SVG document
};

// Colours the tests count by (exact RGB, drawn as whole-pixel rectangles).
inline constexpr unsigned kOutputOneRgb = 0x1f4fd0;  // the output box of an entry whose output is 1
inline constexpr unsigned kWrongRgb = 0xe0201c;   // frame of an entry the hidden rule contradicts
inline constexpr unsigned kClosedRgb = 0x33994d;  // bar of a symmetry the kernels are closed under

// Every orbit representative of the group as a 3×3 glyph with its output box (blue: 1, white: 0,
// grey: unknown), on a background coloured by provenance, in rows by centre state and neighbour
// count; p4m glyphs labelled with their Hensel class; entries that differ from `hidden` (when
// given) framed in red.
Picture rule_sheet(const RunData& run);

// The first-layer kernels of the plain net and of the G-net as diverging heat maps (blue < 0 <
// red), one tile per channel, with the kernel detector's closure distance per symmetry of D4 (a
// bar in kClosedRgb below 0.05). A G-net applies each kernel in its transforms under G, so its
// distances are those of that lifted set (groups::lift): 0 for every element of G.
Picture kernel_maps(const RunData& run);

// For the last trajectory: rows x_t, the net's rollout, the rule's rollout and their
// differences from x_t, for several t. Each frame is at most kMaxStripFrameSide pixels a side: a
// grid larger than that is drawn in square blocks of cells, a block alive (orange, purple) when
// any of its cells is, so the picture's size in pixels and in SVG elements does not grow with
// the grid's (a grid of at most kMaxStripFrameSide a side is drawn cell for cell, as before).
inline constexpr int kMaxStripFrameSide = 256;
Picture trajectory_strips(const RunData& run);

// Per round: L1, L2, one-step error and the share of significant orbits; trajectories used
// against the budget.
Picture curves(const RunData& run);

// An axis from 0 to at least `top`: ticks 0, s, 2s, … up to the first at or above it, with s one
// of 1, 2, 2.5 or 5 times a power of ten (no 2.5 and at least 1 when `whole`, for counts), the
// smallest that needs at most `most` steps. top <= 0 gives 0 and s = 1 (or 0.25 when not whole).
std::vector<double> axis_ticks(double top, int most, bool whole);

// The trajectory rows' times: 0, 1, and up to `count` more spread over 2 … T.
std::vector<int> strip_times(int steps, int count = 5);

}  // namespace carl::report
