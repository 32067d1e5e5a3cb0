#pragma once
// Errors raised by carl. An InputError is the user's fault (a bad rulestring, RLE file, config,
// provider reply): its message is one line that names the file, field or line at fault.
#include <fmt/format.h>

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

}  // namespace carl

#define CARL_CHECK(cond, ...)                                                                     \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      throw ::carl::InternalError(fmt::format("{}:{}: check `{}` failed: {}", __FILE__, __LINE__, \
                                              #cond, fmt::format(__VA_ARGS__)));                  \
  } while (0)
