#pragma once
// A rectangular H×W grid of two-state cells, one byte per cell, row-major. Whether it wraps
// (a torus) or is a window onto a larger world is decided by the code that steps it.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace carl::ca {

class Grid {
 public:
  Grid() = default;
  Grid(int height, int width);  // all dead

  int height() const { return height_; }
  int width() const { return width_; }
  std::size_t size() const { return cells_.size(); }

  std::uint8_t at(int row, int col) const { return cells_[index(row, col)]; }
  void set(int row, int col, bool alive) { cells_[index(row, col)] = alive ? 1 : 0; }
  // Toroidal access: any integer coordinates, wrapped.
  std::uint8_t wrapped(int row, int col) const;

  const std::vector<std::uint8_t>& cells() const { return cells_; }
  std::size_t population() const;

  // The sub-grid of rows [row, row+height) and columns [col, col+width), not wrapped.
  Grid crop(int row, int col, int height, int width) const;

  friend bool operator==(const Grid& a, const Grid& b) {
    return a.height_ == b.height_ && a.width_ == b.width_ && a.cells_ == b.cells_;
  }
  friend bool operator!=(const Grid& a, const Grid& b) { return !(a == b); }

 private:
  std::size_t index(int row, int col) const {
    return static_cast<std::size_t>(row) * static_cast<std::size_t>(width_) +
           static_cast<std::size_t>(col);
  }
  int height_ = 0;
  int width_ = 0;
  std::vector<std::uint8_t> cells_;
};

// A random soup: each cell alive independently with probability `density`; the same seed gives
// the same grid on every platform (mt19937_64 and an integer threshold, no std distributions).
Grid random_soup(int height, int width, double density, std::uint64_t seed);

}  // namespace carl::ca
