#include "ca/rle.h"

#include <cctype>
#include <limits>
#include <sstream>

#include "ca/error.h"

namespace carl::ca {
namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Reads the header's "key = value" fields.
void parse_header(const std::string& line, const std::string& where, long& w, long& h,
                  std::string& rule) {
  w = h = -1;
  std::stringstream fields(line);
  std::string field;
  while (std::getline(fields, field, ',')) {
    const std::size_t eq = field.find('=');
    if (eq == std::string::npos)
      throw InputError(fmt::format("{}: header field '{}' has no '='", where, trim(field)));
    const std::string key = trim(field.substr(0, eq));
    std::string value = trim(field.substr(eq + 1));
    if (key == "rule") {
      // The rule may itself contain ',' (":T64,64"): it takes the rest of the line.
      const std::size_t at = line.find('=', line.find("rule"));
      rule = trim(line.substr(at + 1));
      break;
    }
    if (key != "x" && key != "y")
      throw InputError(fmt::format("{}: unknown header field '{}'", where, key));
    char* end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < 0 || v > 1'000'000)
      throw InputError(fmt::format("{}: header field {} = '{}' is not a size", where, key, value));
    (key == "x" ? w : h) = v;
  }
  if (w < 0 || h < 0) throw InputError(fmt::format("{}: header needs both x and y", where));
}

}  // namespace

RlePattern read_rle(const std::string& text, const std::string& source, std::size_t* consumed,
                    int first_line) {
  RlePattern out;
  std::size_t pos = 0;
  int line_no = first_line;
  bool have_header = false;
  long width = 0, height = 0;
  long row = 0, col = 0;
  auto where = [&] { return fmt::format("{}:{}", source, line_no); };
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string line = text.substr(pos, eol - pos);
    const std::string t = trim(line);
    if (!have_header) {
      if (t.empty() || t[0] == '#') {
        pos = eol + 1;
        ++line_no;
        continue;
      }
      if (t[0] != 'x')
        throw InputError(fmt::format("{}: expected the header 'x = W, y = H', found '{}'", where(),
                                     t.substr(0, 40)));
      parse_header(t, where(), width, height, out.rule);
      out.grid = Grid(static_cast<int>(height), static_cast<int>(width));
      have_header = true;
      pos = eol + 1;
      ++line_no;
      continue;
    }
    // Pattern data.
    long run = 0;
    bool have_run = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        run = run * 10 + (c - '0');
        have_run = true;
        if (run > 100'000'000) throw InputError(fmt::format("{}: run count too large", where()));
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
          if (row >= height || col + n > width)
            throw InputError(fmt::format(
                "{}: live cells at row {}, columns {}-{} lie outside the {}x{} header size",
                where(), row + 1, col + 1, col + n, width, height));
          for (long k = 0; k < n; ++k)
            out.grid.set(static_cast<int>(row), static_cast<int>(col + k), true);
          col += n;
          break;
        case '$':
          row += n;
          col = 0;
          break;
        case '!':
          if (consumed) *consumed = pos + i + 1;
          return out;
        default:
          throw InputError(
              fmt::format("{}: unexpected character '{}' in pattern data (two-state "
                          "RLE uses b, o, $ and !)",
                          where(), c));
      }
    }
    if (have_run)
      throw InputError(fmt::format("{}: run count at end of line has no cell", where()));
    pos = eol + 1;
    ++line_no;
  }
  if (!have_header) throw InputError(fmt::format("{}: no RLE header 'x = W, y = H'", source));
  throw InputError(fmt::format("{}: pattern data ends without '!'", where()));
}

std::string write_rle(const Grid& grid, const std::string& rule, const std::string& comment) {
  std::string out;
  if (!comment.empty()) {
    std::stringstream lines(comment);
    std::string l;
    while (std::getline(lines, l)) out += "#C " + l + "\n";
  }
  out += fmt::format("x = {}, y = {}", grid.width(), grid.height());
  if (!rule.empty()) out += ", rule = " + rule;
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
