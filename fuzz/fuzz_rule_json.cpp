// The readers of a run directory's rule.json and rounds.jsonl: each input is tried as both.
#include "experiment/run_dir.h"
#include "fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carl;
  if (size > 65536) return 0;
  const std::string s = fuzz::text(data, size);
  try {
    const experiment::StoredRule r = experiment::parse_rule_json(s, "rule.json");
    if (r.complete != r.table.complete()) fuzz::broken("complete");
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  try {
    experiment::parse_rounds(s, "rounds.jsonl");
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  return 0;
}
