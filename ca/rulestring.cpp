#include "ca/rulestring.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "ca/error.h"
#include "ca/hensel.h"

namespace carl::ca {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr int kMapChars = 86;  // ceil(512 / 6)

// The rule as quoted in a one-line message: safe to echo, and cut after 120 bytes (a 100 KB
// rulestring was echoed whole; the position names where it went wrong).
std::string quoted(std::string_view rule) {
  return printable(rule, 120);
}

[[noreturn]] void fail(std::string_view rule, std::size_t pos, const std::string& what) {
  throw InputError(fmt::format("rulestring '{}': {} at character {}", quoted(rule), what, pos + 1));
}
[[noreturn]] void fail(std::string_view rule, const std::string& what) {
  throw InputError(fmt::format("rulestring '{}': {}", quoted(rule), what));
}

bool starts_with_map(std::string_view s) {
  return s.size() >= 3 && std::tolower(static_cast<unsigned char>(s[0])) == 'm' &&
         std::tolower(static_cast<unsigned char>(s[1])) == 'a' &&
         std::tolower(static_cast<unsigned char>(s[2])) == 'p';
}

RuleTable parse_map(std::string_view full, std::size_t start, std::string_view body) {
  std::size_t len = body.size();
  if (len == kMapChars + 2 && body.substr(kMapChars) == "==") len = kMapChars;
  for (std::size_t i = 0; i < std::min<std::size_t>(len, kMapChars); ++i)
    if (kBase64.find(body[i]) == std::string_view::npos)
      fail(full, start + i,
           fmt::format("'{}' is not a base64 character", quoted(body.substr(i, 1))));
  if (len != kMapChars)
    fail(full,
         fmt::format("a MAP rule needs {} base64 characters after MAP, got {}", kMapChars, len));
  RuleTable t;
  for (int bit = 0; bit < kPatternCount; ++bit) {
    const int value = static_cast<int>(kBase64.find(body[static_cast<std::size_t>(bit / 6)]));
    t.set(Pattern(bit), (value >> (5 - bit % 6)) & 1);
  }
  return t;
}

// One half (birth or survival) of a B/S or Hensel rule: which Hensel classes it contains.
using ClassSet = std::array<bool, kHenselClassCount>;

struct Symbol {
  char c;
  std::size_t pos;  // in the original string
};

ClassSet parse_half(std::string_view full, const std::vector<Symbol>& part) {
  ClassSet set{};
  std::array<int, 9> sign{};  // +1 letters listed, -1 letters negated, 0 none yet
  std::size_t i = 0;
  while (i < part.size()) {
    const Symbol d = part[i];
    if (d.c == '-') fail(full, d.pos, "'-' must follow a neighbour count");
    if (d.c == '9') fail(full, d.pos, "neighbour count 9 is more than 8 neighbours");
    if (d.c < '0' || d.c > '8')
      fail(full, d.pos, fmt::format("'{}' must follow a neighbour count (0-8)", quoted({&d.c, 1})));
    const int count = d.c - '0';
    const std::string& letters = hensel_letters(count);
    ++i;
    bool negative = false;
    if (i < part.size() && part[i].c == '-') {
      negative = true;
      ++i;
    }
    std::vector<char> listed;
    while (i < part.size() && !std::isdigit(static_cast<unsigned char>(part[i].c)) &&
           part[i].c != '-') {
      const Symbol l = part[i];
      if (letters.empty())
        fail(full, l.pos, fmt::format("neighbour count {} takes no letters", count));
      if (letters.find(l.c) == std::string::npos)
        fail(full, l.pos,
             fmt::format("'{}' is not a Hensel letter for {} neighbours (valid: {})",
                         quoted({&l.c, 1}), count, letters));
      listed.push_back(l.c);
      ++i;
    }
    // "2-" with no letters negates nothing: every letter, as Golly reads it.
    const int this_sign = listed.empty() ? 0 : (negative ? -1 : 1);
    if (this_sign != 0 && sign[count] != 0 && sign[count] != this_sign)
      fail(full, d.pos, fmt::format("count {} has both listed and negated letters", count));
    if (this_sign != 0) sign[count] = this_sign;
    if (letters.empty() || listed.empty()) {
      (void)negative;
      for (char l : letters.empty() ? std::string(1, '\0') : letters)
        set[static_cast<std::size_t>(hensel_class_id(count, l))] = true;
    } else {
      for (char l : letters) {
        const bool in_list = std::find(listed.begin(), listed.end(), l) != listed.end();
        if (in_list != negative) set[static_cast<std::size_t>(hensel_class_id(count, l))] = true;
      }
    }
  }
  return set;
}

RuleTable parse_bs(std::string_view full, std::string_view body, std::size_t offset) {
  std::vector<Symbol> sym;
  std::size_t b = std::string::npos, s = std::string::npos, slash = std::string::npos;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(body[i])));
    const std::size_t pos = offset + i;
    if (c == ' ') continue;
    const bool last = body.find_first_not_of(' ', i + 1) == std::string_view::npos;
    if ((c == 'h' || c == 'v') && last && !sym.empty())
      fail(full, pos, "hexagonal and von Neumann rules are not 3x3 Moore rules");
    if (c == 'w' && sym.empty()) fail(full, pos, "Wolfram (1-D) rules are not 3x3 Moore rules");
    // A word such as "HighLife" or "Life" is a rule's name, which carl does not look up.
    if (sym.empty() && std::isalpha(static_cast<unsigned char>(c)) && c != 'b' && c != 's')
      fail(full, pos,
           "not a rulestring (rule names are not read): give B/S (B36/S23), Hensel (B2-a/S12) "
           "or MAP notation");
    std::size_t* mark = c == 'b' ? &b : c == 's' ? &s : (c == '/' || c == '_') ? &slash : nullptr;
    if (mark) {
      if (*mark != std::string::npos)
        fail(full, pos,
             c == '/' || c == '_' ? "only one '/' allowed"
                                  : fmt::format("only one '{}' allowed", c));
      *mark = sym.size();
    } else if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' &&
               hensel_letters(4).find(c) == std::string::npos) {
      fail(full, pos, fmt::format("unexpected character '{}'", quoted(body.substr(i, 1))));
    }
    sym.push_back({c, pos});
  }
  if (sym.empty()) fail(full, "empty rule");
  if (b == std::string::npos && s == std::string::npos && slash == std::string::npos)
    fail(full, "a B/S rule needs a '/', a 'B' or an 'S'");
  if (slash != std::string::npos && b != std::string::npos && s != std::string::npos &&
      (b < slash) == (s < slash))
    fail(full, sym[slash].pos, "B and S must be on either side of '/'");

  // Split into the birth and survival symbol runs (B/S markers dropped).
  std::vector<Symbol> birth, survival;
  auto take = [&](std::size_t from, std::size_t to, std::vector<Symbol>& into) {
    for (std::size_t i = from; i < to; ++i)
      if (i != b && i != s) into.push_back(sym[i]);
  };
  const std::size_t n = sym.size();
  if (slash != std::string::npos) {
    const bool birth_first =
        (b != std::string::npos && b < slash) || (s != std::string::npos && s > slash);
    take(0, slash, birth_first ? birth : survival);
    take(slash + 1, n, birth_first ? survival : birth);
  } else if (b != std::string::npos && s != std::string::npos) {
    const std::size_t first = std::min(b, s), second = std::max(b, s);
    if (first != 0) fail(full, sym[0].pos, "digits before the first of B and S");
    take(0, second, b < s ? birth : survival);
    take(second, n, b < s ? survival : birth);
  } else {
    const std::size_t mark = b != std::string::npos ? b : s;
    if (mark != 0) fail(full, sym[0].pos, "digits before B or S");
    take(0, n, b != std::string::npos ? birth : survival);
  }

  const ClassSet born = parse_half(full, birth);
  const ClassSet survives = parse_half(full, survival);
  return RuleTable::from_function([&](Pattern p) {
    const auto cls = static_cast<std::size_t>(hensel_class(p));
    return pattern_centre(p) ? survives[cls] : born[cls];
  });
}

// Output of the class for a centre state, or -1 when the members of the class disagree.
std::array<std::array<int, kHenselClassCount>, 2> class_outputs(const RuleTable& rule) {
  std::array<std::array<int, kHenselClassCount>, 2> out;
  for (auto& half : out) half.fill(-2);
  for (int p = 0; p < kPatternCount; ++p) {
    int& o = out[pattern_centre(Pattern(p))][static_cast<std::size_t>(hensel_class(Pattern(p)))];
    const int v = rule.output(Pattern(p));
    o = (o == -2 || o == v) ? v : -1;
  }
  return out;
}

void require_complete(const RuleTable& rule, const char* notation) {
  if (!rule.complete())
    throw InputError(
        fmt::format("cannot write a partial rule table ({} of 512 entries known) as "
                    "a {} rulestring",
                    rule.known_count(), notation));
}

}  // namespace

RuleTable parse_rule(std::string_view rulestring) {
  std::size_t start = 0, end = rulestring.size();
  while (start < end && std::isspace(static_cast<unsigned char>(rulestring[start]))) ++start;
  while (end > start && std::isspace(static_cast<unsigned char>(rulestring[end - 1]))) --end;
  // Golly's topology suffix belongs to a pattern, not a rule: an RLE header's ':TW,H' is read
  // there (ca/rle.h); anywhere else a suffix dropped would run the rule on another grid.
  if (const std::size_t colon = rulestring.find(':', start); colon < end)
    fail(rulestring, colon,
         "':' starts a topology, which belongs to a pattern's RLE header, not to a rule (give "
         "the grid's size on its own: carl simulate --torus WxH; provider.height and width)");
  const std::string_view body = rulestring.substr(start, end - start);
  if (starts_with_map(body)) return parse_map(rulestring, start + 3, body.substr(3));
  return parse_bs(rulestring, body, start);
}

bool is_outer_totalistic(const RuleTable& rule) {
  if (!rule.complete()) return false;
  std::array<std::array<int, 9>, 2> seen;
  for (auto& half : seen) half.fill(-1);
  for (int p = 0; p < kPatternCount; ++p) {
    int& o =
        seen[pattern_centre(Pattern(p))][static_cast<std::size_t>(pattern_neighbours(Pattern(p)))];
    const int v = rule.output(Pattern(p));
    if (o != -1 && o != v) return false;
    o = v;
  }
  return true;
}

bool is_isotropic(const RuleTable& rule) {
  if (!rule.complete()) return false;
  for (const auto& half : class_outputs(rule))
    for (int o : half)
      if (o < 0) return false;
  return true;
}

std::string emit_bs(const RuleTable& rule) {
  require_complete(rule, "B/S");
  if (!is_outer_totalistic(rule))
    throw InputError("the rule table is not outer-totalistic, so it has no B/S rulestring");
  std::string out = "B";
  for (int centre = 0; centre < 2; ++centre) {
    if (centre == 1) out += "/S";
    for (int count = 0; count <= 8; ++count) {
      // The pattern with `count` neighbours set in bit order, and the given centre.
      Pattern p = centre ? Pattern(1u << C) : Pattern(0);
      for (int bit = 0, k = 0; k < count; ++bit)
        if (bit != C) {
          p |= Pattern(1u << bit);
          ++k;
        }
      if (rule.output(p)) out += char('0' + count);
    }
  }
  return out;
}

std::string emit_hensel(const RuleTable& rule) {
  require_complete(rule, "Hensel");
  if (!is_isotropic(rule))
    throw InputError("the rule table is not isotropic, so it has no Hensel rulestring");
  const auto outputs = class_outputs(rule);
  std::string out = "B";
  for (int centre = 0; centre < 2; ++centre) {
    if (centre == 1) out += "/S";
    for (int count = 0; count <= 8; ++count) {
      const std::string& letters = hensel_letters(count);
      std::string on, off;
      if (letters.empty()) {
        if (outputs[centre][static_cast<std::size_t>(hensel_class_id(count, '\0'))] == 1)
          out += char('0' + count);
        continue;
      }
      for (char l : letters)
        (outputs[centre][static_cast<std::size_t>(hensel_class_id(count, l))] == 1 ? on : off) += l;
      if (on.empty()) continue;
      out += char('0' + count);
      if (off.empty()) continue;  // every letter: the plain digit
      std::sort(on.begin(), on.end());
      std::sort(off.begin(), off.end());
      // Golly's canonical choice: list the letters unless more than half are on, in which case
      // negate the others; 7 of 13 (count 4) stays listed.
      const std::size_t total = letters.size();
      const bool listed = on.size() <= total / 2 || (total == 13 && on.size() == 7);
      out += listed ? on : "-" + off;
    }
  }
  return out;
}

std::string emit_map(const RuleTable& rule) {
  require_complete(rule, "MAP");
  std::string out = "MAP";
  for (int ch = 0; ch < kMapChars; ++ch) {
    int value = 0;
    for (int k = 0; k < 6; ++k) {
      const int bit = 6 * ch + k;
      value = (value << 1) | (bit < kPatternCount && rule.output(Pattern(bit)) ? 1 : 0);
    }
    out += kBase64[static_cast<std::size_t>(value)];
  }
  return out;
}

std::string emit_rule(const RuleTable& rule) {
  require_complete(rule, "compact");
  if (is_outer_totalistic(rule)) return emit_bs(rule);
  if (is_isotropic(rule)) return emit_hensel(rule);
  return emit_map(rule);
}

}  // namespace carl::ca
