#include "ca/naming.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "ca/hensel.h"
#include "ca/rulestring.h"

namespace carl::ca {

std::string hensel_name(Pattern p) {
  const HenselClass hc = hensel_class_info(hensel_class(p));
  std::string out = fmt::format("{}{}", pattern_centre(p) ? 'S' : 'B', hc.count);
  if (hc.letter) out += hc.letter;
  return out;
}

std::string pattern_picture(Pattern p) {
  std::string out = fmt::format("p{} ", p);
  for (int r = 0; r < 3; ++r) {
    if (r) out += '/';
    for (int c = 0; c < 3; ++c) out += pattern_cell(p, r, c) ? '#' : '.';
  }
  return out;
}

std::vector<std::string> name_entries(const std::vector<Pattern>& entries) {
  const std::set<Pattern> in(entries.begin(), entries.end());
  std::set<Pattern> named;
  std::vector<std::string> out;
  for (Pattern p : in) {
    if (named.count(p)) continue;
    std::vector<Pattern> orbit;
    for (int q = 0; q < kPatternCount; ++q)
      if (pattern_centre(Pattern(q)) == pattern_centre(p) &&
          hensel_class(Pattern(q)) == hensel_class(p))
        orbit.push_back(Pattern(q));
    const bool whole =
        std::all_of(orbit.begin(), orbit.end(), [&](Pattern q) { return in.count(q) > 0; });
    if (whole) {
      out.push_back(hensel_name(p));
      named.insert(orbit.begin(), orbit.end());
    } else {
      out.push_back(pattern_picture(p));
      named.insert(p);
    }
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

RuleNames rule_names(const RuleTable& table) {
  RuleNames n;
  if (table.complete()) {
    n.rulestring = emit_rule(table);
    return n;
  }
  n.rulestring = fmt::format("(partial: {} of 512 entries known)", table.known_count());
  RuleTable zero = table, one = table;
  std::vector<Pattern> unknown;
  for (int p = 0; p < kPatternCount; ++p)
    if (!table.known(Pattern(p))) {
      zero.set(Pattern(p), false);
      one.set(Pattern(p), true);
      unknown.push_back(Pattern(p));
    }
  n.unknown_as_0 = emit_rule(zero);
  n.unknown_as_1 = emit_rule(one);
  n.unknown = join_names(name_entries(unknown));
  return n;
}

std::string apgsearch_form(const std::string& rulestring) {
  if (rulestring.size() >= 3 && (rulestring.compare(0, 3, "MAP") == 0)) return rulestring;
  std::string out;
  for (char c : rulestring)
    if (c != '/') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace carl::ca
