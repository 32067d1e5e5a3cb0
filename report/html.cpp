#include "report/html.h"

#include <fmt/format.h>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/naming.h"
#include "ca/rulestring.h"

namespace carl::report {

std::string base64(const std::string& bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (unsigned(static_cast<unsigned char>(bytes[i])) << 16) |
                       (unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       unsigned(static_cast<unsigned char>(bytes[i + 2]));
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = unsigned(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? k[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Pictures draw_all(const RunData& run) {
  return {rule_sheet(run), kernel_maps(run), trajectory_strips(run), curves(run)};
}

std::string report_html(const RunData& run, const Pictures& pics) {
  const auto n = extractor::count_by_provenance(run.provenance);
  const ca::RuleNames names = ca::rule_names(run.table);
  std::string score;
  if (run.hidden_rule) {
    try {
      const ca::TableComparison c = ca::compare(run.table, ca::parse_rule(*run.hidden_rule));
      score = c.exact()
                  ? "exact: all 512 entries right"
                  : fmt::format("{} wrong, {} unknown entries", c.wrong.size(), c.unknown.size());
    } catch (const InputError& e) {
      score = e.what();
    }
  }
  auto row = [](const std::string& k, const std::string& v) {
    return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(k), v);
  };
  std::string summary;
  summary += row("rule", "<code class=\"rulestring\">" + html_escape(names.rulestring) + "</code>");
  if (!run.table.complete()) {
    summary +=
        row("best guess, unknown as 0", "<code>" + html_escape(names.unknown_as_0) + "</code>");
    summary +=
        row("best guess, unknown as 1", "<code>" + html_escape(names.unknown_as_1) + "</code>");
  }
  summary += row("symmetry group", html_escape(run.group.name()));
  if (run.hidden_rule)
    summary += row("hidden rule (revealed)",
                   "<code>" + html_escape(*run.hidden_rule) + "</code>: " + html_escape(score));
  summary += row(run.halted ? "halted" : "stopped", html_escape(run.reason));
  if (!run.guarantee.empty()) summary += row("stated guarantee", html_escape(run.guarantee));
  summary += row("entries", extractor::entries_text(n));
  if (!names.unknown.empty())
    summary += row("unknown entries", "<code>" + html_escape(names.unknown) + "</code>");
  summary += row("trajectories",
                 run.max_trajectories > 0
                     ? fmt::format("{} (budget {})", run.trajectories, run.max_trajectories)
                     : std::to_string(run.trajectories));
  summary += row("rounds", std::to_string(run.rounds));
  summary += row("training time", fmt::format("{:.1f} s over all rounds", run.seconds));

  auto figure = [](const std::string& id, const std::string& title, const std::string& caption,
                   const Picture& p) {
    return fmt::format(
        "<section class=\"figure\" id=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n<img alt=\"{}\" "
        "width=\"{}\" "
        "height=\"{}\" src=\"data:image/png;base64,{}\">\n</section>\n",
        id, html_escape(title), html_escape(caption), html_escape(title), p.width, p.height,
        base64(p.png));
  };
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
      "style-src 'unsafe-inline'\">\n"
      "<title>carl run " +
      html_escape(run.name) +
      "</title>\n<style>\nbody{font-family:sans-serif;margin:24px;color:#222;max-width:1800px}\n"
      "table{border-collapse:collapse}th,td{text-align:left;padding:3px 10px;border-bottom:1px "
      "solid #ddd;vertical-align:top}\nimg{max-width:100%;height:auto;border:1px solid "
      "#ccc}\npre{background:#f6f6f6;padding:10px;overflow:auto}\n</style>\n</head>\n<body>\n";
  html += "<h1>carl run " + html_escape(run.name) + "</h1>\n";
  html +=
      "<section id=\"summary\">\n<h2>Summary</h2>\n<table>\n" + summary + "</table>\n</section>\n";
  html += figure("rule-sheet", "Rule sheet",
                 "Every orbit representative with its output, coloured by provenance.",
                 pics.rule_sheet);
  html += figure("kernels", "Kernels",
                 "First-layer kernels and the kernel detector's closure distance per symmetry.",
                 pics.kernels);
  html +=
      figure("trajectories", "Trajectories",
             "The last trajectory against the net's and the rule's rollouts.", pics.trajectories);
  html += figure("curves", "Curves", "Losses, significant orbits and trajectories per round.",
                 pics.curves);
  html += "<section id=\"config\">\n<h2>Config as used</h2>\n<pre>" + html_escape(run.config_text) +
          "</pre>\n</section>\n</body>\n</html>\n";
  return html;
}

std::vector<std::string> write_report(const RunData& run, const std::string& dir) {
  ca::make_directories(dir);
  const Pictures pics = draw_all(run);
  std::vector<std::string> paths;
  // Like every file in a run directory: beside, synced, renamed; a planted link is replaced,
  // never followed.
  auto put = [&](const std::string& stem, const Picture& p) {
    ca::write_durably(dir, stem + ".png", p.png);
    ca::write_durably(dir, stem + ".svg", p.svg);
    paths.push_back(dir + "/" + stem + ".png");
    paths.push_back(dir + "/" + stem + ".svg");
  };
  put("rule-sheet", pics.rule_sheet);
  put("kernels", pics.kernels);
  put("trajectories", pics.trajectories);
  put("curves", pics.curves);
  ca::write_durably(dir, "report.html", report_html(run, pics));
  paths.push_back(dir + "/report.html");
  return paths;
}

}  // namespace carl::report
