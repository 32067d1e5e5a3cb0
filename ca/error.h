#pragma once
// Errors raised by carl. An InputError is the user's fault (a bad rulestring, RLE file, config,
// provider reply): its message is one line that names the file, field or line at fault.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

namespace carl {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

// A broken promise inside carl itself, with the source position for the bug report.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& what) : std::logic_error(what) {}
};

// Text from outside (a file, a command line, a provider's reply) made safe to echo in a one-line
// message: every byte outside printable ASCII (control characters, escape sequences, newlines,
// bytes >= 0x7f, UTF-8 included) is shown as \xNN, and a backslash as \\, so that it can neither
// drive the terminal nor break the line. At most `max_bytes` of it, then "...".
inline std::string printable(std::string_view s, std::size_t max_bytes = std::string_view::npos) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s.substr(0, max_bytes)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  if (s.size() > max_bytes) out += "...";
  return out;
}

// The length of the valid UTF-8 sequence (RFC 3629) that starts at s[i]: 1 to 4, or 0 where
// none does (a stray or cut continuation byte, an overlong form, a surrogate, past U+10FFFF).
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t len = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
  if (len == 0 || c == 0xc0 || c == 0xc1 || c > 0xf4 || i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  const auto c2 = len > 1 ? static_cast<unsigned char>(s[i + 1]) : 0x80;
  if ((c == 0xe0 && c2 < 0xa0) || (c == 0xed && c2 > 0x9f) || (c == 0xf0 && c2 < 0x90) ||
      (c == 0xf4 && c2 > 0x8f))
    return 0;
  return len;
}

// Whether the character at s[i] (its UTF-8 sequence of `len` bytes) is a control character:
// C0, DEL, C1 (U+0080 to U+009F, the 8-bit CSI among them), or a direction control (U+200E,
// U+200F, U+202A to U+202E, U+2066 to U+2069), which reorders the text shown after it.
inline bool is_control(std::string_view s, std::size_t i, std::size_t len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (len == 3 && c == 0xe2) {
    const auto c2 = static_cast<unsigned char>(s[i + 1]), c3 = static_cast<unsigned char>(s[i + 2]);
    return (c2 == 0x80 && (c3 == 0x8e || c3 == 0x8f || (c3 >= 0xaa && c3 <= 0xae))) ||
           (c2 == 0x81 && c3 >= 0xa6 && c3 <= 0xa9);
  }
  return c < 0x20 || c == 0x7f ||
         (len == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0);
}

// A message about to reach a terminal, made safe as a whole: carl's own text (δ, …, ×) and
// valid UTF-8 pass; control characters (C0, DEL, C1 such as the 8-bit CSI, raw or as UTF-8) and
// bytes that are not UTF-8 are shown as \xNN. The net under every message: a piece from outside
// that a message forgot to pass through printable() cannot drive the terminal either.
inline std::string terminal_safe(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_length(s, i);
    if (len > 0 && !is_control(s, i, len)) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    for (std::size_t k = 0; k < std::max<std::size_t>(len, 1); ++k, ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace carl

#define CARL_CHECK(cond, ...)                                                                     \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      throw ::carl::InternalError(fmt::format("{}:{}: check `{}` failed: {}", __FILE__, __LINE__, \
                                              #cond, fmt::format(__VA_ARGS__)));                  \
  } while (0)
