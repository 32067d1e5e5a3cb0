#pragma once
#include <string>
#include <string_view>

#include "ca/error.h"

namespace carl::provider {

// A provider failed or misbehaved: not found, exited, hung, or sent something malformed. The
// message names the provider command and what went wrong, on one line.
class ProviderError : public InputError {
 public:
  using InputError::InputError;
};

// Text from outside (a provider's reply or stderr, a stored command) made safe to echo: every
// byte outside printable ASCII (control characters, escape sequences, newlines, bytes >= 0x7f)
// is shown as \xNN, and a backslash as \\, so it can neither drive the terminal nor break the
// one-line error.
inline std::string printable(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
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
  return out;
}

}  // namespace carl::provider
