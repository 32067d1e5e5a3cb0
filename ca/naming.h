#pragma once
// Naming rule-table entries and rules the way users do.
// - An entry whose whole p4m orbit is in a list is named by its Hensel class with B (centre
//   dead) or S (centre alive): "S8", "B6k", "B2-a" is not a name but "B2a" is. Any other entry
//   is named by its 3×3 picture, rows top to bottom, '#' alive: "p84 .#./#.#/..." (p = its index).
// - A partial table's best-guess rulestrings: unknown entries set to 0, and set to 1.
// - apgsearch's lowercase form: "B36/S23" -> "b36s23", "B2-a/S12" -> "b2-as12" (MAP unchanged).
#include <string>
#include <vector>

#include "ca/pattern.h"
#include "ca/rule_table.h"

namespace carl::ca {

std::string hensel_name(Pattern p);      // "B6k", "S8"
std::string pattern_picture(Pattern p);  // "p84 .#./#.#/..."

// Names for a set of entries: one Hensel name per complete p4m orbit in the set, a picture for
// each other entry; in order of the first pattern index of each name.
std::vector<std::string> name_entries(const std::vector<Pattern>& entries);
// The same, joined with ", ".
std::string join_names(const std::vector<std::string>& names);

struct RuleNames {
  std::string rulestring;    // the rule when complete; else "(partial: K of 512 entries known)"
  std::string unknown_as_0;  // best guesses ("" when complete)
  std::string unknown_as_1;
  std::string unknown;  // the unknown entries by name ("" when complete)
};
RuleNames rule_names(const RuleTable& table);

std::string apgsearch_form(const std::string& rulestring);

}  // namespace carl::ca
