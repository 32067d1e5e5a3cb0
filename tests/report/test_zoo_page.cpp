// report/zoo_page: the zoo's page from its JSON (the stored quick run and hand-made records).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/text_file.h"
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
  REQUIRE(count(html, "<img ") == 2);
  REQUIRE(count(html, "http://") + count(html, "https://") == 0);
  // Records without the optional fields still make a page.
  const std::string bare = carl::report::zoo_html(json{{"runs", json::array()}});
  REQUIRE(bare.find("<p>none</p>") != std::string::npos);
  REQUIRE(count(bare, "<img ") == 2);
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
