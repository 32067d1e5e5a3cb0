#pragma once
// The rule zoo's page: `carl bench zoo` writes it beside its JSON and Markdown reports.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "report/draw.h"

namespace carl::report {

// The page's pictures by id: "trajectories" (mean trajectories per summary row against count and
// count-G), "against-count-g" (exact runs by carl's and count-G's trajectories, per regime),
// "behaviours" (outcome by regime and rule behaviour; only where runs carry a "behaviour") and
// "frontier" (the risk policy's held-out error against its stated bound).
std::vector<std::pair<std::string, Picture>> zoo_figures(const nlohmann::json& zoo);

// A self-contained HTML page (pictures embedded) from the zoo's JSON ({"runs": […],
// "summary": […]}): trajectories of carl against the counting baselines (count, count-G) per
// suite, regime and setting; false halts and budget stops; and, where runs stated a risk bound,
// the δ frontier (held-out error against the stated bound); the pictures of zoo_figures. Absent
// fields are left out.
std::string zoo_html(const nlohmann::json& zoo);

// Reads the zoo's JSON file and writes the page beside it (stem.html). Returns its path.
std::string write_zoo_page(const std::string& json_path);

}  // namespace carl::report
