#pragma once
// The 9-bit index of a 3×3 Moore neighbourhood in Golly's MAP order:
//   idx = NW<<8 | N<<7 | NE<<6 | W<<5 | C<<4 | E<<3 | SW<<2 | S<<1 | SE
// so bit (8 - 3*row - col) holds the cell at (row, col) of the 3×3 block, row 0 on top.
#include <array>
#include <cstdint>

#include "ca/grid.h"

namespace carl::ca {

using Pattern = std::uint16_t;
inline constexpr int kPatternCount = 512;

enum PatternBit : int { SE = 0, S = 1, SW = 2, E = 3, C = 4, W = 5, NE = 6, N = 7, NW = 8 };
// The cell of bit k (0..8) by its compass name: "SE" … "C" … "NW".
constexpr const char* cell_name(int k) {
  constexpr const char* kNames[9] = {"SE", "S", "SW", "E", "C", "W", "NE", "N", "NW"};
  return kNames[k];
}

// Bit position of the cell at (row, col) of the 3×3 block (row, col in 0..2).
constexpr int pattern_bit(int row, int col) {
  return 8 - 3 * row - col;
}
constexpr bool pattern_cell(Pattern p, int row, int col) {
  return (p >> pattern_bit(row, col)) & 1;
}
constexpr bool pattern_centre(Pattern p) {
  return (p >> C) & 1;
}
// Number of live cells among the 8 neighbours.
constexpr int pattern_neighbours(Pattern p) {
  return __builtin_popcount(p & 0x1EFu);
}

// The neighbourhood of (row, col) on the torus.
Pattern pattern_at(const Grid& grid, int row, int col);

}  // namespace carl::ca
