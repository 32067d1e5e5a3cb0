#pragma once
// Errors raised by carl. An InputError is the user's fault (a bad rulestring, RLE file, config,
// provider reply): its message is one line that names the file, field or line at fault.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

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

}  // namespace carl

#define CARL_CHECK(cond, ...)                                                                     \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      throw ::carl::InternalError(fmt::format("{}:{}: check `{}` failed: {}", __FILE__, __LINE__, \
                                              #cond, fmt::format(__VA_ARGS__)));                  \
  } while (0)
