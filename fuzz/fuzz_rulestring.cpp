// The rulestring parser (B/S, Hensel, MAP): parse, and when it parses, the canonical form must
// parse back to the same table.
#include "ca/rulestring.h"
#include "fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carl;
  if (size > 4096) return 0;
  const std::string s = fuzz::text(data, size);
  ca::RuleTable t;
  try {
    t = ca::parse_rule(s);
  } catch (const InputError& e) {
    fuzz::one_line(e);
    return 0;
  }
  if (!t.complete()) fuzz::broken("a parsed rule is incomplete");
  if (ca::parse_rule(ca::emit_rule(t)) != t) fuzz::broken("emit_rule does not round-trip");
  if (ca::parse_rule(ca::emit_map(t)) != t) fuzz::broken("emit_map does not round-trip");
  return 0;
}
