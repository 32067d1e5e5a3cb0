#include "ca/rle.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <utility>
#include <vector>

#include "ca/error.h"
#include "ca/rulestring.h"

namespace carl::ca {
namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// A piece of the input as quoted in a one-line message: safe to echo, cut short.
std::string quoted(const std::string& s) {
  return printable(s, 60);
}

void check_size(long w, long h, const std::string& where, const char* what) {
  if (w > kMaxPatternSide || h > kMaxPatternSide || w * h > kMaxPatternCells)
    throw InputError(
        fmt::format("{}: {} {}x{} is too large (carl's limit: {} cells, at most {} per side)",
                    where, what, w, h, kMaxPatternCells, kMaxPatternSide));
}

// Parses a strictly decimal, non-negative size (at most 9 digits, so no overflow).
bool parse_size(const std::string& s, long& v) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  v = std::strtol(s.c_str(), nullptr, 10);
  return true;
}

// Splits "B3/S23:T64,48" into the rule and its torus; validates both.
void parse_rule_field(RlePattern& out, const std::string& where) {
  const std::size_t colon = out.rule.find(':');
  out.rule_base = trim(out.rule.substr(0, colon));
  if (out.rule_base.empty())
    throw InputError(fmt::format("{}: the header's rule '{}' has no rule before its topology",
                                 where, quoted(out.rule)));
  try {
    (void)parse_rule(out.rule_base);
  } catch (const InputError& e) {
    throw InputError(
        fmt::format("{}: the header's rule is not one carl reads: {}", where, e.what()));
  }
  if (colon == std::string::npos) return;
  const std::string topo = trim(out.rule.substr(colon + 1));
  if (topo.empty()) return;  // "B3/S23:" is the unbounded plane, as in Golly
  const char kind = static_cast<char>(std::toupper(static_cast<unsigned char>(topo[0])));
  if (kind != 'T')
    throw InputError(fmt::format(
        "{}: topology ':{}' is not supported: carl evolves patterns on a torus only (':TW,H'); "
        "{} grids differ at the edges",
        where, quoted(topo),
        kind == 'P'   ? "a bounded plane's"
        : kind == 'K' ? "a Klein bottle's"
        : kind == 'C' ? "a cross-surface's"
        : kind == 'S' ? "a sphere's"
                      : "other"));
  const std::string dims = topo.substr(1);
  if (dims.find_first_of("+-*") != std::string::npos)
    throw InputError(
        fmt::format("{}: topology ':{}' is a shifted or twisted torus, which carl does not evolve",
                    where, quoted(topo)));
  const std::size_t comma = dims.find(',');
  long w = 0, h = 0;
  if (!parse_size(trim(dims.substr(0, comma)), w) ||
      (comma != std::string::npos && !parse_size(trim(dims.substr(comma + 1)), h)))
    throw InputError(
        fmt::format("{}: topology ':{}' is not ':TW,H' with two sizes", where, quoted(topo)));
  if (comma == std::string::npos) h = w;  // Golly: ":T10" is a 10×10 torus
  if (w == 0 || h == 0)
    throw InputError(
        fmt::format("{}: topology ':{}' has an unbounded side, which carl does not evolve", where,
                    quoted(topo)));
  check_size(w, h, where, "torus");
  out.torus_width = static_cast<int>(w);
  out.torus_height = static_cast<int>(h);
}

// Reads the header's "key = value" fields.
void parse_header(const std::string& line, const std::string& where, long& w, long& h,
                  RlePattern& out) {
  w = h = -1;
  std::stringstream fields(line);
  std::string field;
  while (std::getline(fields, field, ',')) {
    const std::size_t eq = field.find('=');
    if (eq == std::string::npos)
      throw InputError(fmt::format("{}: header field '{}' has no '='", where, quoted(trim(field))));
    const std::string key = trim(field.substr(0, eq));
    std::string value = trim(field.substr(eq + 1));
    if (key == "rule") {
      // The rule may itself contain ',' (":T64,64"): it takes the rest of the line.
      const std::size_t at = line.find('=', line.find("rule"));
      out.rule = trim(line.substr(at + 1));
      break;
    }
    if (key != "x" && key != "y")
      throw InputError(fmt::format("{}: unknown header field '{}'", where, quoted(key)));
    long v = 0;
    if (!parse_size(value, v))
      throw InputError(
          fmt::format("{}: header field {} = '{}' is not a size", where, key, quoted(value)));
    long& size = key == "x" ? w : h;
    if (size >= 0) throw InputError(fmt::format("{}: header field {} given twice", where, key));
    size = v;
  }
  if (w < 0 || h < 0) throw InputError(fmt::format("{}: header needs both x and y", where));
  check_size(w, h, where, "header size");
  if (!out.rule.empty()) parse_rule_field(out, where);
}

// "#CXRLE Pos=-5,-4 Gen=3"
void parse_cxrle(const std::string& line, const std::string& where, RlePattern& out) {
  std::stringstream words(line.substr(6));
  std::string word;
  while (words >> word) {
    if (word.rfind("Pos=", 0) != 0) continue;
    const std::string xy = word.substr(4);
    const std::size_t comma = xy.find(',');
    char* end = nullptr;
    const long x = std::strtol(xy.c_str(), &end, 10);
    const bool ok_x = comma != std::string::npos && end == xy.c_str() + comma;
    const long y = ok_x ? std::strtol(xy.c_str() + comma + 1, &end, 10) : 0;
    if (!ok_x || *end != '\0' || x < -kMaxPatternCells || x > kMaxPatternCells ||
        y < -kMaxPatternCells || y > kMaxPatternCells)
      throw InputError(fmt::format("{}: '#CXRLE {}' is not Pos=X,Y", where, quoted(word)));
    out.has_pos = true;
    out.pos_x = x;
    out.pos_y = y;
  }
}

// The pattern grid from its live cells, grown to hold them; then on its torus, if any.
void finish(RlePattern& out, long header_w, long header_h,
            const std::vector<std::pair<long, long>>& live, const std::string& where,
            const std::string& source) {
  long w = header_w, h = header_h;
  for (const auto& [r, c] : live) {
    w = std::max(w, c + 1);
    h = std::max(h, r + 1);
  }
  check_size(w, h, where, "pattern");
  Grid pattern(static_cast<int>(h), static_cast<int>(w));
  for (const auto& [r, c] : live) pattern.set(static_cast<int>(r), static_cast<int>(c), true);
  // Golly centres a pattern without Pos by its header size.
  out.width = static_cast<int>(header_w);
  out.height = static_cast<int>(header_h);
  out.grid = std::move(pattern);
  if (out.torus()) out.grid = place_on_torus(out, out.torus_height, out.torus_width, source);
  out.width = static_cast<int>(w);
  out.height = static_cast<int>(h);
}

}  // namespace

Grid place_on_torus(const RlePattern& pattern, int height, int width, const std::string& source) {
  const long left = pattern.has_pos ? pattern.pos_x : -(pattern.width / 2);
  const long top = pattern.has_pos ? pattern.pos_y : -(pattern.height / 2);
  const long col0 = left + width / 2, row0 = top + height / 2;
  Grid out(height, width);
  const Grid& g = pattern.grid;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      if (!g.at(r, c)) continue;
      const long rr = row0 + r, cc = col0 + c;
      if (rr < 0 || rr >= height || cc < 0 || cc >= width)
        throw InputError(
            fmt::format("{}: the live cell at x = {}, y = {} (Golly's coordinates) lies outside "
                        "the {}x{} torus "
                        "(x from {} to {}, y from {} to {})",
                        source, left + c, top + r, width, height, -(width / 2),
                        width - width / 2 - 1, -(height / 2), height - height / 2 - 1));
      out.set(static_cast<int>(rr), static_cast<int>(cc), true);
    }
  return out;
}

RlePattern read_rle(std::string_view text, const std::string& source, std::size_t* consumed,
                    int first_line) {
  RlePattern out;
  std::size_t pos = 0;
  int line_no = first_line;
  bool have_header = false;
  long width = 0, height = 0;
  long row = 0, col = 0;
  std::vector<std::pair<long, long>> live;
  auto where = [&] { return fmt::format("{}:{}", source, line_no); };
  auto done = [&](std::size_t at) {
    if (consumed) *consumed = at;
    finish(out, width, height, live, where(), source);
    return out;
  };
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string line(text.substr(pos, eol - pos));
    const std::string t = trim(line);
    if (!have_header) {
      if (t.rfind("#CXRLE", 0) == 0) parse_cxrle(t, where(), out);
      if (t.empty() || t[0] == '#') {
        pos = eol + 1;
        ++line_no;
        continue;
      }
      if (t[0] != 'x')
        throw InputError(fmt::format("{}: expected the header 'x = W, y = H', found '{}'", where(),
                                     quoted(t.substr(0, 40))));
      parse_header(t, where(), width, height, out);
      have_header = true;
      pos = eol + 1;
      ++line_no;
      continue;
    }
    // A pattern without its closing '!' ends where the next one (or a comment) begins.
    if (!t.empty() && (t[0] == '#' || t[0] == 'x')) return done(pos);
    // Pattern data.
    long run = 0;
    bool have_run = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        run = run * 10 + (c - '0');
        have_run = true;
        if (run > kMaxPatternCells)
          throw InputError(fmt::format("{}: run count too large", where()));
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(c))) continue;
      const long n = have_run ? run : 1;
      if (have_run && n == 0) throw InputError(fmt::format("{}: run count 0", where()));
      run = 0;
      have_run = false;
      switch (c) {
        case 'b':
        case '.':
          col += n;
          break;
        case 'o':
        case 'A':
          if (row >= kMaxPatternSide || col + n > kMaxPatternSide ||
              static_cast<long>(live.size()) + n > kMaxPatternCells)
            throw InputError(fmt::format(
                "{}: live cells at row {}, columns {}-{} lie beyond carl's size limit ({} per "
                "side)",
                where(), row + 1, col + 1, col + n, kMaxPatternSide));
          for (long k = 0; k < n; ++k) live.emplace_back(row, col + k);
          col += n;
          break;
        case '$':
          row += n;
          col = 0;
          break;
        case '!':
          return done(pos + i + 1);
        default:
          throw InputError(
              fmt::format("{}: unexpected character '{}' in pattern data (two-state "
                          "RLE uses b, o, $ and !)",
                          where(), quoted(std::string(1, c))));
      }
    }
    if (have_run)
      throw InputError(fmt::format("{}: run count at end of line has no cell", where()));
    pos = eol + 1;
    ++line_no;
  }
  if (!have_header) throw InputError(fmt::format("{}: no RLE header 'x = W, y = H'", source));
  return done(text.size());  // Golly accepts a pattern without its closing '!'
}

RlePattern read_cells(const std::string& text, const std::string& source) {
  RlePattern out;
  std::vector<std::pair<long, long>> live;
  std::stringstream lines(text);
  std::string line;
  int line_no = 0;
  long rows = 0, width = 0;
  bool started = false;
  while (std::getline(lines, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!started && !line.empty() && line[0] == '!') continue;
    started = true;
    for (std::size_t c = 0; c < line.size(); ++c) {
      const char ch = line[c];
      if (ch == 'O' || ch == '*') {
        live.emplace_back(rows, static_cast<long>(c));
      } else if (ch != '.' && !std::isspace(static_cast<unsigned char>(ch))) {
        throw InputError(fmt::format(
            "{}:{}: unexpected character '{}' in a .cells pattern (uses '.', 'O' and '!')", source,
            line_no, quoted(std::string(1, ch))));
      }
    }
    width = std::max(width, static_cast<long>(trim(line).empty() ? 0 : line.size()));
    ++rows;
    if (rows > kMaxPatternSide || width > kMaxPatternSide)
      throw InputError(fmt::format("{}:{}: pattern beyond carl's size limit ({} per side)", source,
                                   line_no, kMaxPatternSide));
  }
  // Trailing empty rows are not part of the pattern.
  long h = 0;
  for (const auto& [r, c] : live) h = std::max(h, r + 1);
  if (!started) throw InputError(fmt::format("{}: no pattern rows in the .cells file", source));
  finish(out, width, h, live, fmt::format("{}:{}", source, line_no), source);
  return out;
}

RlePattern read_pattern(const std::string& text, const std::string& source) {
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string t = trim(line);
    if (t.empty()) continue;
    if (t[0] == '!' || t[0] == '.' || t[0] == 'O' || t[0] == '*') return read_cells(text, source);
    break;
  }
  return read_rle(text, source);
}

std::string rule_with_torus(const std::string& rule, int width, int height) {
  if (rule.empty() || rule.find(':') != std::string::npos) return rule;
  return fmt::format("{}:T{},{}", rule, width, height);
}

std::string write_rle(const Grid& grid, const std::string& rule, const std::string& comment) {
  std::string out;
  if (!comment.empty()) {
    std::stringstream lines(comment);
    std::string l;
    while (std::getline(lines, l)) out += "#C " + l + "\n";
  }
  out += fmt::format("x = {}, y = {}", grid.width(), grid.height());
  if (!rule.empty()) out += ", rule = " + rule_with_torus(rule, grid.width(), grid.height());
  out += "\n";

  std::string line;
  auto emit = [&](long n, char c) {
    const std::string item = n > 1 ? fmt::format("{}{}", n, c) : std::string(1, c);
    if (line.size() + item.size() > 70) {
      out += line + "\n";
      line.clear();
    }
    line += item;
  };
  long pending_rows = 0;  // '$' not yet written (trailing empty rows are dropped)
  for (int r = 0; r < grid.height(); ++r) {
    int last = grid.width() - 1;
    while (last >= 0 && !grid.at(r, last)) --last;
    if (last < 0) {
      ++pending_rows;
      continue;
    }
    if (pending_rows > 0) emit(pending_rows, '$');
    pending_rows = 0;
    for (int c = 0; c <= last;) {
      const std::uint8_t v = grid.at(r, c);
      int k = c;
      while (k <= last && grid.at(r, k) == v) ++k;
      emit(k - c, v ? 'o' : 'b');
      c = k;
    }
    pending_rows = 1;
  }
  emit(1, '!');
  out += line + "\n";
  return out;
}

}  // namespace carl::ca
