#pragma once
// Shared helpers for the tests: the bgolly reference simulator and temporary files.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/grid.h"
#include "ca/rule_table.h"
#include "ca/trajectory.h"

namespace carl::test {

// Path of bgolly, or fails the test with a clear message.
std::string bgolly_path();

// Evolves `grid` on a bounded torus of its own size for `generations` with bgolly and returns
// bgolly's output pattern (cropped to its bounding box, as bgolly writes it).
ca::Grid bgolly_evolve(const std::string& rule, const ca::Grid& grid, int generations);

// The torus grid a macrocell file describes (as bgolly writes it: 2-state leaves or level-1
// nodes of states), cell (0,0) of Golly's coordinates at row H/2, column W/2.
ca::Grid read_macrocell(const std::string& text, int height, int width);

// Runs bgolly on the RLE file `rle_path` for `generations` (at least 1) with `args` before the
// file (e.g. "-a RuleLoader -s DIR"), writing a macrocell file so that positions survive, and
// returns the whole height×width torus.
ca::Grid bgolly_torus(const std::string& rle_path, int generations, int height, int width,
                      const std::string& args = "-a HashLife");

// The grid cropped to the bounding box of its live cells (0×0 if empty), as Golly writes RLE.
ca::Grid bounding_box(const ca::Grid& grid);

// The trajectory as a provider with observation noise shows it: each cell of each frame flipped
// with probability `noise`, drawn from `seed`.
ca::Trajectory with_noise(ca::Trajectory trajectory, double noise, std::uint64_t seed);

// The config keys docs/config.md's table documents (`provider.rule`, …), in its order: the
// tests hold the code to the page with them.
std::vector<std::string> documented_config_keys();

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

// An environment variable set for the object's lifetime; its value (or its absence) is restored
// after, also when a REQUIRE fails in between.
class ScopedEnvironment {
 public:
  ScopedEnvironment(std::string name, const std::string& value);
  ~ScopedEnvironment();
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  std::string name_;
  std::optional<std::string> before_;
};

}  // namespace carl::test
