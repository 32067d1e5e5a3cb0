// sweep/behaviour: rules whose soups' fate is known by hand, and the summary's table by behaviour.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/rulestring.h"
#include "sweep/behaviour.h"
#include "sweep/job.h"

using carl::ca::parse_rule;
using carl::sweep::rule_behaviour;
using nlohmann::json;

namespace {
carl::sweep::Regime scarce() {
  carl::sweep::Regime r;  // 16×16, 8 steps, density 0.3
  r.name = "scarce";
  return r;
}
}  // namespace

TEST_CASE("rule behaviours by what the rule does to the regime's soups", "[sweep][behaviour]") {
  const carl::sweep::Regime g = scarce();
  // The empty neighbourhood gives birth: B0, whatever else the rule does.
  CHECK(rule_behaviour(parse_rule("B0/S"), g) == "B0");
  CHECK(rule_behaviour(parse_rule("B012345678/S012345678"), g) == "B0");
  // No births, no survival: every soup is empty after one step.
  CHECK(rule_behaviour(parse_rule("B/S"), g) == "dying");
  // Births on 7 or 8 neighbours only, no survival: a 0.3 soup is gone at once.
  CHECK(rule_behaviour(parse_rule("B78/S"), g) == "dying");
  // Every cell with a live neighbour is born and every live cell survives: the torus fills.
  CHECK(rule_behaviour(parse_rule("B12345678/S012345678"), g) == "explosive");
  // Nothing is born and everything survives: the soup stays as it is (share 0.3).
  CHECK(rule_behaviour(parse_rule("B/S012345678"), g) == "steady");
}

TEST_CASE("the summary counts outcomes by regime and behaviour against count-G",
          "[sweep][behaviour]") {
  auto run = [](const char* behaviour, bool exact, bool halted, int trajectories, json count_g) {
    return json{{"suite", "s"},
                {"regime", "scarce"},
                {"setting", "certified"},
                {"policy", "certified"},
                {"behaviour", behaviour},
                {"exact", exact},
                {"halted", halted},
                {"false_halt", halted && !exact},
                {"trajectories", trajectories},
                {"count", nullptr},
                {"count_g", count_g},
                {"group_detected", "p4m"},
                {"group_true", "p4m"},
                {"support_detected", "Moore"},
                {"support_true", "Moore"},
                {"seconds", 1.0},
                {"heldout_error", 0.0},
                {"heldout_error_dense", 0.0},
                {"heldout_error_dense_counting", 0.0},
                {"stated_bound", nullptr}};
  };
  // B0: exact in 1 (count-G 2: fewer), exact in 3 (count-G 3: as many), exact in 5 (count-G 4:
  // more), a budget stop that count-G could not end either (not shown); steady: a false halt
  // although count-G recovered the rule.
  json runs = {run("B0", true, true, 1, 2), run("B0", true, true, 3, 3),
               run("B0", true, true, 5, 4), run("B0", false, false, 16, nullptr),
               run("steady", false, true, 2, 2)};
  // Another setting's runs get rows of their own: a risk policy's halt is not certified's.
  json risk = run("steady", false, true, 1, 2);
  risk["setting"] = "risk";
  risk["policy"] = "risk";
  runs.push_back(risk);
  const std::string md = carl::sweep::summarize(runs, "t", 1).markdown;
  CHECK(md.find("| scarce | certified | B0 | 4 | 3 | 75.0% | 1 | 0 | 1 | 3 / 5 (3 of 4) | 3 / 4 (3 "
                "of 4) | 1 | "
                "1 | 1 |") != std::string::npos);
  CHECK(md.find(
            "| scarce | certified | steady | 1 | 0 | 0.0% | 0 | 1 | 0 | – | 2 / 2 | 0 | 0 | 0 |") !=
        std::string::npos);
  CHECK(md.find("| scarce | risk | steady | 1 | 0 | 0.0% | 0 | 1 | 0 | – | 2 / 2 | 0 | 0 | 0 |") !=
        std::string::npos);
  CHECK(md.find("| scarce | certified | dying |") == std::string::npos);  // no runs: no row
  // The header has a column for every cell of a row.
  const std::size_t header = md.find("| regime | setting | behaviour |");
  REQUIRE(header != std::string::npos);
  const std::string line = md.substr(header, md.find('\n', header) - header);
  CHECK(std::count(line.begin(), line.end(), '|') == 15);
}
