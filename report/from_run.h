#pragma once
// A run directory's contents (read and validated by experiment/run_dir) as the report's values,
// and the commands built on them: `carl report RUN` and `carl export RUN …`.
#include <string>

#include "report/export.h"
#include "report/run_data.h"

namespace carl::experiment {
struct RunContents;
}

namespace carl::report {

// The report's values from a loaded run. The net's rollout of the last trajectory comes from
// committee member 0 (net-0.json) when the run kept it; what the run did not record is left empty.
RunData run_data(const experiment::RunContents& run);

// `carl report RUN`: the pictures and report.html written into the run directory. Returns the
// path of report.html.
std::string report_run(const std::string& run_dir);

struct ExportOptions {
  std::string golly_rule;  // --golly FILE.rule
  UnknownEntries unknown = UnknownEntries::zero;
  std::string rle_dir;  // --rle DIR
  std::string gif;      // --gif FILE
  int trajectory = -1;  // which stored trajectory for --gif (-1: the last)
  int gif_scale = 4;
};
// `carl export RUN …`: prints what it wrote (and the unknown entries) on stdout.
int export_run(const std::string& run_dir, const ExportOptions& options);

}  // namespace carl::report
