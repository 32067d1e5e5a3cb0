#include "ca/grid.h"

#include <algorithm>
#include <random>

#include "ca/error.h"

namespace carl::ca {

Grid::Grid(int height, int width) : height_(height), width_(width) {
  if (height < 0 || width < 0)
    throw InputError(fmt::format("grid size {}x{} is negative", height, width));
  cells_.assign(static_cast<std::size_t>(height) * static_cast<std::size_t>(width), 0);
}

std::uint8_t Grid::wrapped(int row, int col) const {
  row %= height_;
  col %= width_;
  if (row < 0) row += height_;
  if (col < 0) col += width_;
  return at(row, col);
}

std::size_t Grid::population() const {
  return static_cast<std::size_t>(std::count(cells_.begin(), cells_.end(), 1));
}

Grid Grid::crop(int row, int col, int height, int width) const {
  CARL_CHECK(row >= 0 && col >= 0 && row + height <= height_ && col + width <= width_,
             "crop {}x{} at ({},{}) outside {}x{}", height, width, row, col, height_, width_);
  Grid out(height, width);
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) out.set(r, c, at(row + r, col + c));
  return out;
}

Grid random_soup(int height, int width, double density, std::uint64_t seed) {
  if (!(density >= 0.0 && density <= 1.0))
    throw InputError(fmt::format("soup density {} is outside [0, 1]", density));
  std::mt19937_64 rng(seed);
  // Compare the raw 64-bit draw with a threshold so the result does not depend on the
  // standard library's distribution implementation.
  const long double scaled = static_cast<long double>(density) * 18446744073709551616.0L;
  const bool all = density >= 1.0;
  const std::uint64_t threshold = all ? 0 : static_cast<std::uint64_t>(scaled);
  Grid g(height, width);
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) g.set(r, c, all || rng() < threshold);
  return g;
}

}  // namespace carl::ca
