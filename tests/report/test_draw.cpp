// report/draw: the PNGs decode, have the expected sizes, are not blank; Life's rule sheet has the
// right number of output-1 glyphs and the right wrong-entry marks (counted as coloured blobs).
#include <cairo.h>
#include <fmt/format.h>

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
