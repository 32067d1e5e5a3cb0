// report/draw: the PNGs decode, have the expected sizes, are not blank; Life's rule sheet has the
// right number of output-1 glyphs and the right wrong-entry marks (counted as coloured blobs).
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <set>

#include "fixtures.h"
#include "png_image.h"
#include "report/draw.h"

using namespace carl;

using test::decode;
using test::Image;

namespace {

// 4-connected blobs of exactly this colour.
int blobs(const Image& img, unsigned colour) {
  std::vector<char> seen(img.rgb.size(), 0);
  int count = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      if (seen[std::size_t(y * img.width + x)] || img.at(x, y) != colour) continue;
      ++count;
      std::vector<std::pair<int, int>> stack = {{x, y}};
      seen[std::size_t(y * img.width + x)] = 1;
      while (!stack.empty()) {
        auto [a, b] = stack.back();
        stack.pop_back();
        const int dx[] = {1, -1, 0, 0}, dy[] = {0, 0, 1, -1};
        for (int k = 0; k < 4; ++k) {
          const int u = a + dx[k], v = b + dy[k];
          if (u < 0 || v < 0 || u >= img.width || v >= img.height) continue;
          const std::size_t i = std::size_t(v * img.width + u);
          if (seen[i] || img.at(u, v) != colour) continue;
          seen[i] = 1;
          stack.push_back({u, v});
        }
      }
    }
  return count;
}

// Not blank: several colours, and a real share of the pixels not white.
void require_not_blank(const report::Picture& p) {
  const Image img = decode(p.png);
  REQUIRE(img.width == p.width);
  REQUIRE(img.height == p.height);
  std::set<unsigned> colours(img.rgb.begin(), img.rgb.end());
  REQUIRE(colours.size() >= 4);
  const auto ink =
      std::count_if(img.rgb.begin(), img.rgb.end(), [](unsigned c) { return c != 0xffffff; });
  REQUIRE(double(ink) / double(img.rgb.size()) > 0.01);
  REQUIRE(p.svg.rfind("<?xml", 0) == 0);
  REQUIRE(p.svg.find("<svg") != std::string::npos);
}

}  // namespace

TEST_CASE("Life's rule sheet: one output-1 glyph per orbit whose output is 1", "[report][draw]") {
  report::RunData run = test::life_run();
  run.hidden_rule.reset();
  const report::Picture sheet = report::rule_sheet(run);
  require_not_blank(sheet);
  const Image img = decode(sheet.png);
  // By hand: B3 has 10 Hensel classes, S2 6 and S3 10: 26 glyphs; plus the legend's swatch.
  REQUIRE(blobs(img, report::kOutputOneRgb) == 26 + 1);
  REQUIRE(blobs(img, report::kWrongRgb) == 0);
  // Under p1 every pattern is its own glyph: births C(8,3) = 56, survivals C(8,2) + C(8,3) = 84.
  run.group = groups::Subgroup::parse("p1");
  REQUIRE(blobs(decode(report::rule_sheet(run).png), report::kOutputOneRgb) == 56 + 84 + 1);
  // An unknown orbit draws no output box of either colour.
  run.group = groups::Subgroup::parse("p4m");
  const groups::Orbits orbits(run.group);
  const ca::Pattern birth = ca::Pattern((1u << ca::N) | (1u << ca::S) | (1u << ca::E));
  for (ca::Pattern p : orbits.members(orbits.orbit_of(birth))) run.table.forget(p);
  REQUIRE(blobs(decode(report::rule_sheet(run).png), report::kOutputOneRgb) == 25 + 1);
}

TEST_CASE("the rule sheet marks the entries the revealed rule contradicts", "[report][draw]") {
  report::RunData run = test::life_run();
  run.hidden_rule = "B36/S23";  // Life learned, HighLife hidden: the 6 classes of B6 differ
  const Image img = decode(report::rule_sheet(run).png);
  REQUIRE(blobs(img, report::kWrongRgb) == 6 + 1);  // and the legend's frame
}

TEST_CASE("every picture decodes, has its size and is not blank", "[report][draw]") {
  const report::RunData run = test::life_run();
  require_not_blank(report::kernel_maps(run));
  require_not_blank(report::trajectory_strips(run));
  require_not_blank(report::curves(run));
  // Absent data degrades to a smaller picture, not a failure.
  report::RunData bare;
  bare.table = ca::parse_rule("B3/S23");
  for (auto* f : {&report::kernel_maps, &report::trajectory_strips, &report::curves}) {
    const report::Picture p = (*f)(bare);
    REQUIRE(decode(p.png).width == p.width);
  }
}

TEST_CASE("trajectory strips: times 0, 1 and spread to T", "[report][draw]") {
  REQUIRE(report::strip_times(12, 5) == std::vector<int>{0, 1, 3, 5, 8, 10, 12});
  REQUIRE(report::strip_times(1) == std::vector<int>{0, 1});
  REQUIRE(report::strip_times(3, 5) == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("a G-net's kernel panel scores its lifted kernels: closed under every element of G",
          "[report][draw]") {
  // The fixture's kernels are random: the plain net's set is closed under the identity alone,
  // while the p4m net applies each kernel in its 8 transforms, closed under all 8 elements.
  report::RunData run = test::life_run();
  REQUIRE(blobs(decode(report::kernel_maps(run).png), report::kClosedRgb) == 1 + 8);
  run.group = groups::Subgroup::parse("p2");
  REQUIRE(blobs(decode(report::kernel_maps(run).png), report::kClosedRgb) == 1 + 2);
  run.group = groups::Subgroup();
  REQUIRE(blobs(decode(report::kernel_maps(run).png), report::kClosedRgb) == 1 + 1);
}

TEST_CASE("curve axes tick at 1-2-2.5-5 steps, counts at whole numbers", "[report][draw]") {
  // Worked by hand: the smallest such step that reaches `top` in at most `most` steps.
  REQUIRE(report::axis_ticks(13.2, 4, true) == std::vector<double>{0, 5, 10, 15});
  REQUIRE(report::axis_ticks(12, 4, true) == std::vector<double>{0, 5, 10, 15});
  REQUIRE(report::axis_ticks(8, 4, true) == std::vector<double>{0, 2, 4, 6, 8});
  REQUIRE(report::axis_ticks(10, 4, true) == std::vector<double>{0, 5, 10});
  REQUIRE(report::axis_ticks(1, 8, true) == std::vector<double>{0, 1});
  REQUIRE(report::axis_ticks(15, 8, true) == std::vector<double>{0, 2, 4, 6, 8, 10, 12, 14, 16});
  REQUIRE(report::axis_ticks(1, 4, false) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  REQUIRE(report::axis_ticks(0.011, 4, false) == std::vector<double>{0, 0.005, 0.01, 0.015});
  const std::vector<double> small = report::axis_ticks(0.0003, 4, false);  // 0.0001 steps
  REQUIRE(small.size() == 4);
  REQUIRE(small.back() == Approx(0.0003));
  REQUIRE(report::axis_ticks(0, 4, true) == std::vector<double>{0, 1, 2, 3, 4});
}

namespace {
// A window run (x_t only, no rollouts) whose last trajectory is `frames`.
report::RunData window_run(std::vector<ca::Grid> frames) {
  report::RunData run;
  run.table = ca::parse_rule("B3/S23");
  run.torus = false;
  run.last.frames = std::move(frames);
  return run;
}

// Live cells' pixels in the picture's frames (right of the row labels, below the captions, which
// start at `top`).
int alive_pixels(const report::Picture& p, int top) {
  const Image img = decode(p.png);
  int n = 0;
  for (int y = top; y < img.height; ++y)
    for (int x = 86; x < img.width; ++x) n += img.at(x, y) == 0x202020;
  return n;
}
}  // namespace

TEST_CASE("trajectory strips of a large grid stay within a bounded picture", "[report][draw]") {
  // 700x1000 cells, T = 1, all five rows: drawn cell for cell this was 10 frames of 700x1000
  // pixels and one SVG element per live cell (a 4096x4096 run's report took 20.9 GB).
  report::RunData run = test::life_run();
  run.last = ca::simulate(run.table, ca::random_soup(700, 1000, 0.3, 9), 1);
  run.net_rollout = run.last;
  run.net_rollout->frames[1].set(10, 10, !run.net_rollout->frames[1].at(10, 10));
  const report::Picture p = report::trajectory_strips(run);
  const int fh = 175, fw = 250;  // blocks of 4x4 cells: 1000 / 4 = 250 <= kMaxStripFrameSide
  REQUIRE(p.width == 86 + 2 * (fw + 8) + 10);
  REQUIRE(p.height == 62 + 5 * (fh + 8 + 4) + 10);
  const Image img = decode(p.png);
  REQUIRE(img.width == p.width);
  // A few SVG elements per frame (a path per colour), not one per cell or block.
  const auto elements = std::count(p.svg.begin(), p.svg.end(), '<');
  INFO("SVG: " << p.svg.size() << " bytes, " << elements << " elements");
  REQUIRE(elements < 3000);
  REQUIRE(p.svg.size() < 2'000'000);
  // The one differing cell still shows, as one orange block in the net's difference row.
  REQUIRE(test::pixels(img, 0xf28e2b) + test::pixels(img, 0x9c4fd0) == 1);
}

TEST_CASE("a block of a large grid is drawn alive when any of its cells is", "[report][draw]") {
  // 1024x1024: blocks of 4x4. Frame 0 has one live cell in the last block; frame 1 one live
  // cell in each of 3 blocks (two of them in the same block).
  ca::Grid a(1024, 1024), b(1024, 1024);
  a.set(1023, 1023, true);
  b.set(0, 0, true);
  b.set(3, 3, true);
  b.set(4, 0, true);
  b.set(600, 1001, true);
  const report::Picture p = report::trajectory_strips(window_run({a, b}));
  REQUIRE(p.width <= 86 + 2 * (report::kMaxStripFrameSide + 8) + 10);
  REQUIRE(alive_pixels(p, 62) == 1 + 3);
  // A small grid is drawn cell for cell, at up to 5 pixels a cell, as before.
  ca::Grid c(24, 30), d(24, 30);
  c.set(0, 0, true);
  d.set(5, 7, true);
  d.set(5, 8, true);
  const report::Picture small = report::trajectory_strips(window_run({c, d}));
  REQUIRE(small.width == 480);  // the least width, for the captions
  REQUIRE(small.height == 48 + 1 * (120 + 8 + 4) + 10);
  REQUIRE(alive_pixels(small, 48) == 3 * 25);
  // Life's five rows at 24x30, T = 12: the size it always had.
  const report::Picture life = report::trajectory_strips(test::life_run());
  REQUIRE(life.width == 1202);
  REQUIRE(life.height == 718);
}
