#pragma once
// Shared helpers for the tests: the bgolly reference simulator and temporary files.
#include <cstdint>
#include <optional>
#include <string>

#include "ca/grid.h"
#include "ca/rule_table.h"

namespace carl::test {

// Path of bgolly, or fails the test with a clear message.
std::string bgolly_path();

// Evolves `grid` on a bounded torus of its own size for `generations` with bgolly and returns
// bgolly's output pattern (cropped to its bounding box, as bgolly writes it).
ca::Grid bgolly_evolve(const std::string& rule, const ca::Grid& grid, int generations);

// The grid cropped to the bounding box of its live cells (0×0 if empty), as Golly writes RLE.
ca::Grid bounding_box(const ca::Grid& grid);

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace carl::test
