#include "support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "ca/files.h"
#include "ca/rle.h"

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
  // bgolly writes the bounding box (with no position) and a rule that carl may not read (e.g. a
  // von Neumann one): drop the rule and its torus, read the box as it is.
  std::string text = ca::read_text_file(out);
  const std::size_t at = text.find(", rule =");
  if (at != std::string::npos) text.erase(at, text.find('\n', at) - at);
  return bounding_box(ca::read_rle(text, out).grid);
}

ca::Grid read_macrocell(const std::string& text, int height, int width) {
  struct Node {
    int level = 0;
    std::string leaf;   // level 3, 2-state: rows of '.', '*' and '$'
    long kids[4] = {};  // level >= 2 (node ids), or level 1 (cell states)
  };
  std::vector<Node> nodes(1);  // id 0: empty
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    Node n;
    if (line[0] == '.' || line[0] == '*' || line[0] == '$') {
      n.level = 3;
      n.leaf = line;
    } else {
      std::stringstream f(line);
      f >> n.level >> n.kids[0] >> n.kids[1] >> n.kids[2] >> n.kids[3];
    }
    nodes.push_back(n);
  }
  ca::Grid g(height, width);
  auto put = [&](long x, long y) {
    const long r = y + height / 2, c = x + width / 2;
    if (r < 0 || r >= height || c < 0 || c >= width) FAIL("macrocell cell outside the torus");
    g.set(static_cast<int>(r), static_cast<int>(c), true);
  };
  std::function<void(long, long, long)> place = [&](long id, long x0, long y0) {
    if (id == 0) return;
    const Node& n = nodes.at(static_cast<std::size_t>(id));
    if (n.level == 1) {
      for (int k = 0; k < 4; ++k)
        if (n.kids[k]) put(x0 + (k & 1), y0 + (k >> 1));
      return;
    }
    if (!n.leaf.empty()) {
      long row = 0, col = 0;
      for (char ch : n.leaf) {
        if (ch == '$') {
          ++row;
          col = 0;
        } else {
          if (ch == '*') put(x0 + col, y0 + row);
          ++col;
        }
      }
      return;
    }
    const long s = 1L << (n.level - 1);
    place(n.kids[0], x0, y0);
    place(n.kids[1], x0 + s, y0);
    place(n.kids[2], x0, y0 + s);
    place(n.kids[3], x0 + s, y0 + s);
  };
  if (nodes.size() > 1) {
    const long half = 1L << (nodes.back().level - 1);
    // Observed in bgolly 3.3's output: the root's top-left cell is at (-half, 1 - half).
    place(static_cast<long>(nodes.size()) - 1, -half, 1 - half);
  }
  return g;
}

ca::Grid bgolly_torus(const std::string& rle_path, int generations, int height, int width,
                      const std::string& args) {
  TempDir dir;
  const std::string out = dir.path() + "/out.mc";
  const std::string cmd = fmt::format("'{}' {} -q -q -m {} -o '{}' '{}' > '{}/log' 2>&1",
                                      bgolly_path(), args, generations, out, rle_path, dir.path());
  const int rc = std::system(cmd.c_str());
  if (rc != 0) FAIL("bgolly failed (" << rc << "): " << ca::read_text_file(dir.path() + "/log"));
  return read_macrocell(ca::read_text_file(out), height, width);
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

ScopedEnvironment::ScopedEnvironment(std::string name, const std::string& value)
    : name_(std::move(name)) {
  if (const char* v = std::getenv(name_.c_str())) before_ = v;
  ::setenv(name_.c_str(), value.c_str(), 1);
}

ScopedEnvironment::~ScopedEnvironment() {
  if (before_)
    ::setenv(name_.c_str(), before_->c_str(), 1);
  else
    ::unsetenv(name_.c_str());
}

std::vector<std::string> documented_config_keys() {
  const std::string page = ca::read_text_file(std::string(CARL_SOURCE_DIR) + "/docs/config.md");
  std::vector<std::string> keys;
  for (std::size_t row = page.find("\n| `"); row != std::string::npos;
       row = page.find("\n| `", row + 1)) {
    const std::string cell = page.substr(row + 3, page.find(" |", row + 3) - row - 3);
    for (std::size_t b = cell.find('`'); b != std::string::npos; b = cell.find('`', b + 1)) {
      const std::size_t e = cell.find('`', b + 1);
      keys.push_back(cell.substr(b + 1, e - b - 1));
      b = e;
    }
  }
  return keys;
}

ca::Trajectory with_noise(ca::Trajectory trajectory, double noise, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution flip(noise);
  for (ca::Grid& g : trajectory.frames)
    for (int r = 0; r < g.height(); ++r)
      for (int c = 0; c < g.width(); ++c)
        if (flip(rng)) g.set(r, c, !g.at(r, c));
  return trajectory;
}

}  // namespace carl::test
