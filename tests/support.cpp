#include "support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "ca/rle.h"
#include "ca/text_file.h"

namespace carl::test {

std::string bgolly_path() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = dir + "/bgolly";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  FAIL("bgolly (Debian package 'golly') is not on PATH; the README's set-up command installs it");
  return "";
}

ca::Grid bgolly_evolve(const std::string& rule, const ca::Grid& grid, int generations) {
  TempDir dir;
  const std::string in = dir.path() + "/in.rle", out = dir.path() + "/out.rle";
  ca::write_text_file(
      in, ca::write_rle(grid, fmt::format("{}:T{},{}", rule, grid.width(), grid.height())));
  const std::string cmd = fmt::format("'{}' -q -q -m {} -o '{}' '{}' > '{}/log' 2>&1",
                                      bgolly_path(), generations, out, in, dir.path());
  const int rc = std::system(cmd.c_str());
  if (rc != 0) FAIL("bgolly failed (" << rc << "): " << ca::read_text_file(dir.path() + "/log"));
  return ca::read_rle(ca::read_text_file(out), out).grid;
}

ca::Grid bounding_box(const ca::Grid& grid) {
  int top = grid.height(), bottom = -1, left = grid.width(), right = -1;
  for (int r = 0; r < grid.height(); ++r)
    for (int c = 0; c < grid.width(); ++c)
      if (grid.at(r, c)) {
        top = std::min(top, r);
        bottom = std::max(bottom, r);
        left = std::min(left, c);
        right = std::max(right, c);
      }
  if (bottom < 0) return ca::Grid(0, 0);
  return grid.crop(top, left, bottom - top + 1, right - left + 1);
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "carl-test-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace carl::test
