#pragma once
// D4, the 8 symmetries of the square, and their action on 3×3 patterns, k×k kernels and grids.
//
// An element maps the cell at offset (i, j) from the centre (i down, j right) to offset M·(i, j);
// transforming a picture moves each cell's content there: (g·x)[g(v)] = x[v]. Composition is
// g∘h (apply h first), so (g∘h)·x = g·(h·x).
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>

#include "ca/grid.h"
#include "ca/pattern.h"

namespace carl::groups {

enum class Symmetry : std::uint8_t {
  identity = 0,
  rot90 = 1,  // clockwise quarter turn: top → right
  rot180 = 2,
  rot270 = 3,    // anticlockwise quarter turn
  mirror_v = 4,  // across the vertical axis: left ↔ right
  mirror_h = 5,  // across the horizontal axis: top ↔ bottom
  mirror_d = 6,  // across the main diagonal NW–SE (transpose)
  mirror_a = 7,  // across the anti-diagonal NE–SW
};
inline constexpr int kD4Order = 8;
inline constexpr std::array<Symmetry, 8> kD4 = {
    Symmetry::identity, Symmetry::rot90,    Symmetry::rot180,   Symmetry::rot270,
    Symmetry::mirror_v, Symmetry::mirror_h, Symmetry::mirror_d, Symmetry::mirror_a};

const char* name(Symmetry g);  // "identity", "rot90", …, "mirror_a"

struct Offset {
  int i, j;
  friend bool operator==(Offset a, Offset b) { return a.i == b.i && a.j == b.j; }
};
Offset apply(Symmetry g, Offset v);
Symmetry compose(Symmetry g, Symmetry h);  // g∘h: apply h, then g
Symmetry inverse(Symmetry g);
bool swaps_axes(Symmetry g);  // rotations by 90/270 and the diagonal mirrors

// The action on the 512 patterns as a permutation: pattern_permutation(g)[p] = g·p.
const std::array<ca::Pattern, ca::kPatternCount>& pattern_permutation(Symmetry g);
inline ca::Pattern apply(Symmetry g, ca::Pattern p) {
  return pattern_permutation(g)[p];
}

// A k×k kernel (k odd) transformed: out(g(v)) = in(v).
Eigen::MatrixXd apply(Symmetry g, const Eigen::MatrixXd& kernel);

// A whole H×W grid transformed about its centre (W×H for elements that swap axes). On a torus
// the transform commutes with stepping a rule whose table is transformed the same way.
ca::Grid apply(Symmetry g, const ca::Grid& grid);

}  // namespace carl::groups
