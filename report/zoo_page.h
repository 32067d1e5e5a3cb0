#pragma once
// The rule zoo's page: `carl bench zoo` writes it beside its JSON and Markdown reports.
#include <nlohmann/json.hpp>
#include <string>

namespace carl::report {

// A self-contained HTML page (pictures embedded) from the zoo's JSON ({"runs": […],
// "summary": […]}): trajectories of carl against the counting baselines (count, count-G) per
// suite, regime and setting; false halts and budget stops; and, where runs stated a risk bound,
// the δ frontier (held-out error against the stated bound). Absent fields are left out.
std::string zoo_html(const nlohmann::json& zoo);

// Reads the zoo's JSON file and writes the page beside it (stem.html). Returns its path.
std::string write_zoo_page(const std::string& json_path);

}  // namespace carl::report
