#pragma once
// Rulestring codecs for 3×3 Moore rules, following what Golly accepts:
//   B/S outer-totalistic  B3/S23, b3s23, 23/3 (survival/birth), S23/B3
//   Hensel isotropic      B2-a/S12, B2e3ai/S23 (letters per neighbour count, '-' negates)
//   MAP                   MAP + 86 base64 characters (512 bits, MSB first), optional "=="
// A topology suffix after ':' (":T64,64") is refused: it belongs to a pattern (an RLE header,
// ca/rle.h).
#include <string>
#include <string_view>

#include "ca/rule_table.h"

namespace carl::ca {

// Parses any of the three families into a complete table. Throws InputError whose one-line
// message quotes the string and says what is wrong and at which character (1-based).
RuleTable parse_rule(std::string_view rulestring);

bool is_outer_totalistic(const RuleTable& rule);
bool is_isotropic(const RuleTable& rule);  // invariant under all 8 symmetries of the square

// Each codec throws InputError when the table is partial or not representable in it.
std::string emit_bs(const RuleTable& rule);      // "B3/S23"
std::string emit_hensel(const RuleTable& rule);  // Golly's canonical form, e.g. "B2-a/S12"
std::string emit_map(const RuleTable& rule);     // "MAP" + 86 characters, no padding
// The most compact exact notation: B/S, else Hensel, else MAP.
std::string emit_rule(const RuleTable& rule);

}  // namespace carl::ca
