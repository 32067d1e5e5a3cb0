#include "report/zoo_page.h"

#include <algorithm>
#include <filesystem>

#include "ca/error.h"
#include "ca/text_file.h"
#include "report/canvas.h"
#include "report/export.h"
#include "report/html.h"

namespace carl::report {
namespace {

using nlohmann::json;
using namespace canvas;

double mean_of(const json& a) {
  if (!a.is_array() || a.empty()) return -1;
  double s = 0;
  int n = 0;
  for (const auto& v : a)
    if (v.is_number()) {
      s += v.get<double>();
      ++n;
    }
  return n ? s / n : -1;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}
int num(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<int>() : 0;
}

// Mean trajectories per summary row: carl, count, count-G as bars.
Picture trajectories_picture(const json& summary) {
  const int row_h = 42, label_w = 300, bar_w = 420, top = 46;
  const int rows = static_cast<int>(summary.size());
  double vmax = 1;
  for (const auto& s : summary)
    for (const char* k : {"carl_trajectories", "count_trajectories", "count_g_trajectories"})
      if (s.contains(k)) vmax = std::max(vmax, mean_of(s[k]));
  const Rgb colours[3] = {rgb(0x1f77b4), rgb(0xff7f0e), rgb(0x2ca02c)};
  const char* keys[3] = {"carl_trajectories", "count_trajectories", "count_g_trajectories"};
  const char* names[3] = {"carl", "count", "count-G"};
  return render(label_w + bar_w + 90, top + std::max(rows, 1) * row_h + 10, [&](cairo_t* cr) {
    text(cr, 8, 16, "mean trajectories to the end of a run, per suite / regime / setting", 12,
         {0.1, 0.1, 0.1}, true);
    for (int k = 0; k < 3; ++k) {
      rect(cr, 8 + k * 90, 26, 12, 8, colours[k]);
      text(cr, 24 + k * 90, 34, names[k], 10);
    }
    if (rows == 0) text(cr, 8, top + 20, "no summary rows", 11);
    for (int r = 0; r < rows; ++r) {
      const json& s = summary[std::size_t(r)];
      const int y = top + r * row_h;
      text(cr, 8, y + 16,
           fmt::format("{} / {} / {}", str(s, "suite"), str(s, "regime"), str(s, "setting")), 10);
      for (int k = 0; k < 3; ++k) {
        const double m = s.contains(keys[k]) ? mean_of(s[keys[k]]) : -1;
        const int by = y + 2 + k * 12;
        if (m < 0) {
          text(cr, label_w, by + 9, "—", 9);
          continue;
        }
        rect(cr, label_w, by, std::max(1.0, bar_w * m / vmax), 10, colours[k]);
        text(cr, label_w + bar_w * m / vmax + 4, by + 9, fmt::format("{:.1f}", m), 9);
      }
    }
  });
}

// Held-out error against the stated bound, one dot per run that stated one.
Picture frontier_picture(const json& runs) {
  std::vector<std::pair<double, double>> pts;
  for (const auto& r : runs)
    if (r.contains("bound_value") && r["bound_value"].is_number() && r.contains("heldout_error") &&
        r["heldout_error"].is_number())
      pts.push_back({r["bound_value"].get<double>(), r["heldout_error"].get<double>()});
  const int pw = 360, ph = 260, ml = 56, mt = 40;
  double vmax = 1e-3;
  for (auto [b, e] : pts) vmax = std::max({vmax, b, e});
  vmax *= 1.1;
  return render(ml + pw + 30, mt + ph + 50, [&](cairo_t* cr) {
    text(cr, 8, 16, "δ frontier: held-out error against the stated bound (risk policy)", 12,
         {0.1, 0.1, 0.1}, true);
    line(cr, ml, mt + ph, ml + pw, mt + ph, {0.1, 0.1, 0.1});
    line(cr, ml, mt, ml, mt + ph, {0.1, 0.1, 0.1});
    line(cr, ml, mt + ph, ml + pw, mt, rgb(0xd62728), 1, true);  // error = bound
    text(cr, ml + pw - 90, mt + 12, "error = bound", 9, rgb(0xd62728));
    for (int k = 0; k <= 4; ++k) {
      const double v = vmax * k / 4;
      text(cr, ml - 50, mt + ph - ph * k / 4.0 + 4, fmt::format("{:.2g}", v), 9);
      text(cr, ml + pw * k / 4.0 - 8, mt + ph + 14, fmt::format("{:.2g}", v), 9);
    }
    text(cr, ml + pw / 2.0 - 40, mt + ph + 32, "stated bound", 10);
    text(cr, 4, mt - 6, "held-out error", 10);
    int above = 0;
    for (auto [b, e] : pts) {
      above += e > b;
      rect(cr, ml + pw * b / vmax - 2, mt + ph - ph * e / vmax - 2, 5, 5,
           e > b ? rgb(0xd62728) : rgb(0x1f77b4));
    }
    text(cr, ml + 10, mt + 14,
         pts.empty() ? std::string("no run stated a bound")
                     : fmt::format("{} runs, {} above their bound", pts.size(), above),
         10);
  });
}

}  // namespace

std::string zoo_html(const json& zoo) {
  const json runs = zoo.contains("runs") && zoo["runs"].is_array() ? zoo["runs"] : json::array();
  const json summary =
      zoo.contains("summary") && zoo["summary"].is_array() ? zoo["summary"] : json::array();
  std::string table =
      "<table>\n<tr><th>suite</th><th>regime</th><th>setting</th><th>runs</th><th>exact</th>"
      "<th>false halts</th><th>budget stops</th><th>group right</th><th>carl</th><th>count</th>"
      "<th>count-G</th></tr>\n";
  auto mean_cell = [](const json& s, const char* k) {
    const double m = s.contains(k) ? mean_of(s[k]) : -1;
    return m < 0 ? std::string("—") : fmt::format("{:.1f}", m);
  };
  int false_halts = 0;
  for (const auto& s : summary) {
    false_halts += num(s, "false_halts");
    table += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(str(s, "suite")), html_escape(str(s, "regime")), html_escape(str(s, "setting")),
        num(s, "runs"), num(s, "exact"), num(s, "false_halts") ? " class=\"bad\"" : "",
        num(s, "false_halts"), num(s, "budget_stops"), num(s, "group_right"),
        mean_cell(s, "carl_trajectories"), mean_cell(s, "count_trajectories"),
        mean_cell(s, "count_g_trajectories"));
  }
  table += "</table>\n";
  std::string halts;
  for (const auto& r : runs)
    if (r.contains("false_halt") && r["false_halt"].is_boolean() && r["false_halt"].get<bool>())
      halts += fmt::format("<li>{} ({} / {} / seed {}): {}</li>\n", html_escape(str(r, "rule")),
                           html_escape(str(r, "regime")), html_escape(str(r, "setting")),
                           num(r, "seed"), html_escape(str(r, "reason")));
  const Picture traj = trajectories_picture(summary), frontier = frontier_picture(runs);
  auto figure = [](const std::string& id, const std::string& title, const Picture& p) {
    return fmt::format(
        "<section class=\"figure\" id=\"{}\">\n<h2>{}</h2>\n<img alt=\"{}\" width=\"{}\" "
        "height=\"{}\" src=\"data:image/png;base64,{}\">\n</section>\n",
        id, title, title, p.width, p.height, base64(p.png));
  };
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src "
         "data:; style-src 'unsafe-inline'\">\n<title>carl rule zoo</title>\n<style>\n"
         "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
         "th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}.bad{color:#c00;"
         "font-weight:bold}img{max-width:100%;height:auto;border:1px solid #ccc}\n</style>\n"
         "</head>\n<body>\n<h1>carl rule zoo</h1>\n" +
         fmt::format("<p>{} runs; false halts: {}.</p>\n", runs.size(), false_halts) +
         "<section id=\"summary\">\n<h2>Summary</h2>\n" + table + "</section>\n" +
         figure("trajectories", "Trajectories against the counting baselines", traj) +
         "<section id=\"false-halts\">\n<h2>False halts</h2>\n" +
         (halts.empty() ? std::string("<p>none</p>\n") : "<ul>\n" + halts + "</ul>\n") +
         "</section>\n" + figure("frontier", "δ frontier", frontier) + "</body>\n</html>\n";
}

std::string write_zoo_page(const std::string& json_path) {
  nlohmann::json zoo;
  try {
    zoo = nlohmann::json::parse(ca::read_text_file(json_path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON ({})", json_path, e.what()));
  }
  const std::string out = (std::filesystem::path(json_path).parent_path() /
                           (std::filesystem::path(json_path).stem().string() + ".html"))
                              .string();
  write_file(out, zoo_html(zoo));
  return out;
}

}  // namespace carl::report
