#pragma once
// Shared by the libFuzzer targets: every input must either parse or be refused with an
// InputError (a one-line message); anything else (a crash, a sanitizer report, another
// exception, a broken invariant) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ca/error.h"

namespace carl::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A broken invariant: report and abort, so libFuzzer keeps the input.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
  std::abort();
}

// An error message must be one line.
inline void one_line(const InputError& e) {
  const std::string m = e.what();
  if (m.empty() || m.find('\n') != std::string::npos) {
    std::fprintf(stderr, "fuzz: message: ");
    for (unsigned char c : m) std::fprintf(stderr, c < 0x20 ? "\\x%02x" : "%c", c);
    std::fprintf(stderr, "\n");
    broken("an error message is not one line");
  }
}

}  // namespace carl::fuzz
