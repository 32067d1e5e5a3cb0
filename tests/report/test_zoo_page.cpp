// report/zoo_page: the zoo's page from its JSON (the stored quick run and hand-made records).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/files.h"
#include "png_image.h"
#include "report/zoo_page.h"
#include "support.h"

using nlohmann::json;

namespace {
int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("the zoo page: summary rows, false halts, pictures, the δ frontier", "[report][zoo]") {
  const json zoo = {{"runs",
                     {{{"rule", "life"},
                       {"regime", "clean"},
                       {"setting", "risk"},
                       {"seed", 1},
                       {"false_halt", true},
                       {"reason", "risk <= 0.01"},
                       {"bound_value", 0.01},
                       {"heldout_error", 0.02}},
                      {{"rule", "seeds"},
                       {"regime", "clean"},
                       {"setting", "risk"},
                       {"seed", 2},
                       {"false_halt", false},
                       {"bound_value", 0.05},
                       {"heldout_error", 0.0}}}},
                    {"summary",
                     {{{"suite", "life-like"},
                       {"regime", "clean"},
                       {"setting", "risk"},
                       {"runs", 2},
                       {"exact", 1},
                       {"false_halts", 1},
                       {"budget_stops", 0},
                       {"group_right", 2},
                       {"carl_trajectories", {2, 4}},
                       {"count_trajectories", {8}},
                       {"count_g_trajectories", {3, 3}}}}}};
  const std::string html = carl::report::zoo_html(zoo);
  REQUIRE(html.find("<td>life-like</td><td>clean</td><td>risk</td><td>2</td><td>1</td>"
                    "<td class=\"bad\">1</td>") != std::string::npos);
  REQUIRE(html.find("<td>3.0</td><td>8.0</td><td>3.0</td>") != std::string::npos);  // means
  REQUIRE(html.find("<li>life (clean / risk / seed 1): risk &lt;= 0.01</li>") != std::string::npos);
  REQUIRE(count(html, "<img ") == 3);  // trajectories, against count-G, δ frontier
  REQUIRE(count(html, "http://") + count(html, "https://") == 0);
  // Records without the optional fields still make a page.
  const std::string bare = carl::report::zoo_html(json{{"runs", json::array()}});
  REQUIRE(bare.find("<p>none</p>") != std::string::npos);
  REQUIRE(count(bare, "<img ") == 3);
}

TEST_CASE("the zoo page's behaviours picture: one bar per regime, setting and behaviour",
          "[report][zoo]") {
  // Certified, scarce regime: B0 with 3 exact runs (one of them a budget stop that ended exact)
  // and 1 budget stop not exact; dying with 1 exact run. Risk: dying with 1 false halt, a bar of
  // its own. Bars are 420 px wide, 16 px high.
  auto run = [](const char* setting, const char* behaviour, bool exact, bool halted) {
    return json{{"regime", "scarce"}, {"setting", setting}, {"behaviour", behaviour},
                {"exact", exact},     {"halted", halted},   {"false_halt", halted && !exact},
                {"trajectories", 2},  {"count_g", 3}};
  };
  const json zoo = {{"runs",
                     {run("certified", "B0", true, true), run("certified", "B0", true, true),
                      run("certified", "B0", true, false), run("certified", "B0", false, false),
                      run("risk", "dying", false, true), run("certified", "dying", true, true)}}};
  const auto figures = carl::report::zoo_figures(zoo);
  const auto behaviours = std::find_if(figures.begin(), figures.end(),
                                       [](const auto& f) { return f.first == "behaviours"; });
  REQUIRE(behaviours != figures.end());
  const carl::test::Image img = carl::test::decode(behaviours->second.png);
  const int legend = 12 * 8;
  const int exact = carl::test::pixels(img, 0x2ca02c) - legend;
  const int budget = carl::test::pixels(img, 0xff7f0e) - legend;
  const int halts = carl::test::pixels(img, 0xd62728) - legend;
  CHECK(exact == (315 + 420) * 16);
  CHECK(budget == 105 * 16);
  CHECK(halts == 420 * 16);
  REQUIRE(count(carl::report::zoo_html(zoo), "<img ") == 4);
  // Runs without a behaviour: no behaviours picture.
  json bare = zoo;
  for (json& r : bare["runs"]) r.erase("behaviour");
  const auto none = carl::report::zoo_figures(bare);
  REQUIRE(std::none_of(none.begin(), none.end(),
                       [](const auto& f) { return f.first == "behaviours"; }));
}

TEST_CASE("the zoo page of the stored full run is written beside its JSON", "[report][zoo]") {
  carl::test::TempDir dir;
  const std::string src = std::string(CARL_SOURCE_DIR) + "/bench/results/zoo-2026-11-23.json";
  const std::string copy = dir.path() + "/zoo.json";
  carl::ca::write_text_file(copy, carl::ca::read_text_file(src));
  const std::string page = carl::report::write_zoo_page(copy);
  REQUIRE(page == dir.path() + "/zoo.html");
  const std::string html = carl::ca::read_text_file(page);
  const json zoo = json::parse(carl::ca::read_text_file(src));
  REQUIRE(count(html, "<tr><td>") == static_cast<int>(zoo["summary"].size()));
  carl::ca::write_text_file(dir.path() + "/bad.json", "{");
  REQUIRE_THROWS_WITH(carl::report::write_zoo_page(dir.path() + "/bad.json"),
                      Catch::Contains("bad.json: not valid JSON"));
}

TEST_CASE("the zoo page's picture of carl against count-G puts a run at (carl, count-G)",
          "[report][zoo]") {
  // One exact run: carl 1 trajectory, count-G 3. Cells are 26 px, the grid starts at (60, 56);
  // rows are carl's trajectories, columns count-G's.
  const json zoo = {
      {"runs", {{{"regime", "scarce"}, {"exact", true}, {"trajectories", 1}, {"count_g", 3}}}}};
  const auto figures = carl::report::zoo_figures(zoo);
  const auto against = std::find_if(figures.begin(), figures.end(),
                                    [](const auto& f) { return f.first == "against-count-g"; });
  REQUIRE(against != figures.end());
  const carl::test::Image img = carl::test::decode(against->second.png);
  auto cell = [&](int row, int column) { return img.at(60 + 26 * column + 20, 56 + 26 * row + 5); };
  const unsigned filled = cell(0, 2), empty = cell(2, 0);
  CHECK(filled != empty);
  CHECK((filled & 0xff) > (filled >> 16));  // shaded blue
  CHECK(cell(0, 0) == empty);
  CHECK(cell(1, 2) == empty);
}
