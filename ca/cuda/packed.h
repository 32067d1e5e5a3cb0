#pragma once
// Grids packed for the bit-sliced step as the CUDA simulator lays them out: 64 cells per word,
// bit c of word i of a row = column 64·i + c, rows ⌈width/64⌉ words apart, zero bits past the
// width (host code; shared by ca/cuda/simulate.cpp and the CPU test of the per-word code).
#include <cstdint>
#include <vector>

#include "ca/grid.h"

namespace carl::ca::bitslice {

inline int row_words(int width) {
  return (width + 63) / 64;
}

// Appends the packed grid to `out` (height · row_words(width) words).
inline void pack_grid(const Grid& g, std::vector<std::uint64_t>& out) {
  const int words = row_words(g.width());
  const std::size_t base = out.size();
  out.resize(base + static_cast<std::size_t>(g.height()) * static_cast<std::size_t>(words), 0);
  const std::uint8_t* cells = g.cells().data();
  for (int r = 0; r < g.height(); ++r) {
    std::uint64_t* row = out.data() + base + static_cast<std::size_t>(r) * words;
    for (int c = 0; c < g.width(); ++c)
      if (cells[static_cast<std::size_t>(r) * g.width() + c]) row[c >> 6] |= 1ULL << (c & 63);
  }
}

inline Grid unpack_grid(const std::uint64_t* bits, int height, int width) {
  Grid g(height, width);
  const int words = row_words(width);
  for (int r = 0; r < height; ++r) {
    const std::uint64_t* row = bits + static_cast<std::size_t>(r) * words;
    for (int c = 0; c < width; ++c) g.set(r, c, (row[c >> 6] >> (c & 63)) & 1);
  }
  return g;
}

}  // namespace carl::ca::bitslice
