#include "report/zoo_page.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "ca/error.h"
#include "ca/files.h"
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

// A picture's title, and a legend of coloured boxes `step` pixels apart on the line below it.
template <std::size_t N>
void title_and_legend(cairo_t* cr, const std::string& title, const Rgb (&colours)[N],
                      const char* const (&names)[N], int step) {
  text(cr, 8, 16, title, 12, {0.1, 0.1, 0.1}, true);
  for (std::size_t k = 0; k < N; ++k) {
    rect(cr, 8 + double(k) * step, 26, 12, 8, colours[k]);
    text(cr, 24 + double(k) * step, 34, names[k], 10);
  }
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
  const char* const names[3] = {"carl", "count", "count-G"};
  return render(label_w + bar_w + 90, top + std::max(rows, 1) * row_h + 10, [&](cairo_t* cr) {
    title_and_legend(cr, "mean trajectories to the end of a run, per suite / regime / setting",
                     colours, names, 90);
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

bool flag(const json& r, const char* key) {
  return r.contains(key) && r[key].is_boolean() && r[key].get<bool>();
}

// The regimes of the runs, in order of first appearance.
std::vector<std::string> regimes_of(const json& runs) {
  std::vector<std::string> regimes;
  for (const auto& r : runs)
    if (std::find(regimes.begin(), regimes.end(), str(r, "regime")) == regimes.end())
      regimes.push_back(str(r, "regime"));
  return regimes;
}

// The regime × setting pairs of the runs that carry a rule behaviour, in order of first
// appearance.
std::vector<std::pair<std::string, std::string>> behaviour_rows(const json& runs) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& r : runs) {
    const std::pair<std::string, std::string> row{str(r, "regime"), str(r, "setting")};
    if (!str(r, "behaviour").empty() && std::find(rows.begin(), rows.end(), row) == rows.end())
      rows.push_back(row);
  }
  return rows;
}

// Per regime: exact runs counted by carl's trajectories (rows) against count-G's (columns), the
// diagonal outlined; above it carl needed fewer trajectories than count-G, below it more.
Picture against_count_g_picture(const json& runs) {
  const std::vector<std::string> regimes = regimes_of(runs);
  int most = 1;
  for (const auto& r : runs)
    if (flag(r, "exact") && r.contains("count_g") && r["count_g"].is_number())
      most = std::max({most, num(r, "trajectories"), num(r, "count_g")});
  most = std::min(most, 16);  // beyond 16: the last row and column
  const int cell = 26, ml = 60, mt = 56, gap = 70;
  const int panel = most * cell;
  const int n = std::max<int>(1, int(regimes.size()));
  return render(ml + n * (panel + gap), mt + panel + 56, [&](cairo_t* cr) {
    text(cr, 8, 16, "exact runs: carl's trajectories (rows) against count-G's (columns)", 12,
         {0.1, 0.1, 0.1}, true);
    text(cr, 8, 32,
         "above the outlined diagonal carl needed fewer trajectories than count-G, below it more",
         10);
    for (int g = 0; g < int(regimes.size()); ++g) {
      std::vector<std::vector<int>> counts(std::size_t(most),
                                           std::vector<int>(std::size_t(most), 0));
      int shown = 0, peak = 1;
      for (const auto& r : runs) {
        if (str(r, "regime") != regimes[std::size_t(g)] || !flag(r, "exact") ||
            !r.contains("count_g") || !r["count_g"].is_number())
          continue;
        const int c = std::clamp(num(r, "trajectories"), 1, most) - 1;
        const int k = std::clamp(num(r, "count_g"), 1, most) - 1;
        peak = std::max(peak, ++counts[std::size_t(c)][std::size_t(k)]);
        ++shown;
      }
      const int x0 = ml + g * (panel + gap), y0 = mt;
      text(cr, x0, y0 - 6, fmt::format("{} ({} runs)", regimes[std::size_t(g)], shown), 11);
      for (int c = 0; c < most; ++c)
        for (int k = 0; k < most; ++k) {
          const int v = counts[std::size_t(c)][std::size_t(k)];
          const double shade = v ? 0.25 + 0.75 * std::log1p(v) / std::log1p(peak) : 0;
          const double x = x0 + k * cell, y = y0 + c * cell;
          rect(cr, x, y, cell - 1, cell - 1,
               v ? Rgb{1 - 0.88 * shade, 1 - 0.6 * shade, 1 - 0.3 * shade} : Rgb{0.96, 0.96, 0.96});
          if (c == k) frame(cr, x, y, cell - 1, cell - 1, 1.5, {0.2, 0.2, 0.2});
          if (v)
            text(cr, x + 3, y + cell / 2.0 + 3, std::to_string(v), 8,
                 shade > 0.6 ? Rgb{1, 1, 1} : Rgb{0.1, 0.1, 0.1});
        }
      for (int i = 0; i < most; ++i) {
        const std::string label = i + 1 == most && most == 16 ? "16+" : std::to_string(i + 1);
        text(cr, x0 + i * cell + 8, y0 + panel + 12, label, 8);
        text(cr, x0 - 20, y0 + i * cell + cell / 2.0 + 3, label, 8);
      }
      text(cr, x0 + panel / 2.0 - 30, y0 + panel + 28, "count-G", 10);
      text(cr, x0 - 54, y0 + panel / 2.0, "carl", 10);
    }
  });
}

// Per regime, setting and rule behaviour: the runs as a bar split into exact, budget stops (not
// exact) and false halts, with the share exact.
Picture behaviours_picture(const json& runs) {
  const auto groups = behaviour_rows(runs);
  // sweep/behaviour.h's rule_behaviours(), in its order (report/ does not link sweep/).
  static const char* kBehaviours[] = {"B0", "dying", "explosive", "steady"};
  auto in = [](const json& r, const std::pair<std::string, std::string>& g, const char* b) {
    return str(r, "regime") == g.first && str(r, "setting") == g.second && str(r, "behaviour") == b;
  };
  const int row_h = 22, label_w = 260, bar_w = 420, top = 50;
  int rows = 0;
  for (const auto& g : groups)
    for (const char* b : kBehaviours)
      rows += std::any_of(runs.begin(), runs.end(), [&](const json& r) { return in(r, g, b); });
  const Rgb colours[3] = {rgb(0x2ca02c), rgb(0xff7f0e), rgb(0xd62728)};
  const char* const names[3] = {"exact", "budget stop, not exact", "false halt"};
  return render(label_w + bar_w + 150, top + std::max(rows, 1) * row_h + 10, [&](cairo_t* cr) {
    title_and_legend(cr, "outcome by regime, setting and rule behaviour (the share exact)", colours,
                     names, 170);
    if (rows == 0) text(cr, 8, top + 16, "no run carries a rule behaviour", 11);
    int row = 0;
    for (const auto& g : groups)
      for (const char* b : kBehaviours) {
        int n = 0, counts[3] = {0, 0, 0};
        for (const auto& r : runs) {
          if (!in(r, g, b)) continue;
          ++n;
          ++counts[flag(r, "exact") ? 0 : flag(r, "halted") ? 2 : 1];
        }
        if (n == 0) continue;
        const int y = top + row++ * row_h;
        text(cr, 8, y + 13, fmt::format("{} / {} / {}", g.first, g.second, b), 10);
        double x = label_w;
        for (int k = 0; k < 3; ++k) {
          const double w = double(bar_w) * counts[k] / n;
          if (counts[k]) rect(cr, x, y + 2, std::max(1.0, w), row_h - 6, colours[k]);
          x += w;
        }
        text(cr, label_w + bar_w + 6, y + 13,
             fmt::format("{} of {} ({:.1f}%)", counts[0], n, 100.0 * counts[0] / n), 10);
      }
  });
}

}  // namespace

std::vector<std::pair<std::string, Picture>> zoo_figures(const json& zoo) {
  const json runs = zoo.contains("runs") && zoo["runs"].is_array() ? zoo["runs"] : json::array();
  const json summary =
      zoo.contains("summary") && zoo["summary"].is_array() ? zoo["summary"] : json::array();
  std::vector<std::pair<std::string, Picture>> figures = {
      {"trajectories", trajectories_picture(summary)},
      {"against-count-g", against_count_g_picture(runs)}};
  if (!behaviour_rows(runs).empty()) figures.push_back({"behaviours", behaviours_picture(runs)});
  figures.push_back({"frontier", frontier_picture(runs)});
  return figures;
}

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
  static const std::map<std::string, std::string> titles = {
      {"trajectories", "Trajectories against the counting baselines"},
      {"against-count-g", "Trajectories needed against count-G, run by run"},
      {"behaviours", "Where carl fails, by rule behaviour"},
      {"frontier", "δ frontier"}};
  std::string figures_before, figures_after;
  for (const auto& [id, p] : zoo_figures(zoo)) {
    const std::string& title = titles.at(id);
    (id == "frontier" ? figures_after : figures_before) += fmt::format(
        "<section class=\"figure\" id=\"{}\">\n<h2>{}</h2>\n<img alt=\"{}\" width=\"{}\" "
        "height=\"{}\" src=\"data:image/png;base64,{}\">\n</section>\n",
        id, title, title, p.width, p.height, base64(p.png));
  }
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src "
         "data:; style-src 'unsafe-inline'\">\n<title>carl rule zoo</title>\n<style>\n"
         "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
         "th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}.bad{color:#c00;"
         "font-weight:bold}img{max-width:100%;height:auto;border:1px solid #ccc}\n</style>\n"
         "</head>\n<body>\n<h1>carl rule zoo</h1>\n" +
         fmt::format("<p>{} runs; false halts: {}.</p>\n", runs.size(), false_halts) +
         "<section id=\"summary\">\n<h2>Summary</h2>\n" + table + "</section>\n" + figures_before +
         "<section id=\"false-halts\">\n<h2>False halts</h2>\n" +
         (halts.empty() ? std::string("<p>none</p>\n") : "<ul>\n" + halts + "</ul>\n") +
         "</section>\n" + figures_after + "</body>\n</html>\n";
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
  ca::write_text_file(out, zoo_html(zoo));
  return out;
}

}  // namespace carl::report
