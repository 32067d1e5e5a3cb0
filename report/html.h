#pragma once
// The run's one-page report: report.html, self-contained (every picture embedded as a data URI,
// no script, no network), beside the pictures as PNG and SVG files.
#include <string>
#include <vector>

#include "report/draw.h"
#include "report/run_data.h"

namespace carl::report {

struct Pictures {
  Picture rule_sheet, kernels, trajectories, curves;
};

Pictures draw_all(const RunData& run);

// The page. Its figure sections (rule sheet, kernels, trajectories, curves) each hold exactly one
// <img>; the summary holds the rulestring, the hidden rule and exactness where revealed, the
// halting reason and stated guarantee, provenance counts, timings; then the config as used.
std::string report_html(const RunData& run, const Pictures& pictures);

// Writes rule-sheet, kernels, trajectories and curves as .png and .svg, and report.html, into
// `dir`. Returns the paths written, report.html last.
std::vector<std::string> write_report(const RunData& run, const std::string& dir);

std::string base64(const std::string& bytes);
std::string html_escape(const std::string& text);

}  // namespace carl::report
