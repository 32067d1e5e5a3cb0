// apps/carl_provider.cpp's command line, run as a user runs it: errors are one line and exit 2,
// as carl's are (README.md), and a value CLI11 would wrap is refused.
#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "ca/files.h"
#include "support.h"

namespace {

int run_provider(const std::string& args, const std::string& out) {
  const int rc = std::system(
      fmt::format("printf 'QUIT\\n' | '{}' {} > '{}' 2>&1", CARL_PROVIDER_EXE, args, out).c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace

TEST_CASE("carl-provider's command-line errors are one line and exit 2", "[apps]") {
  carl::test::TempDir dir;
  const std::string out = dir.path() + "/provider.out";
  for (const char* args : {
           "--rule B3/S23 --seed -1",                    // CLI11 wrapped it to 2^64-1
           "--rule B3/S23 --seed 18446744073709551616",  // and this to 0
           "--rule B3/S23 --seed 1.5",                   // exit 104, two lines
           "--rule B3/S23 --height 4x",
           "--rule B3/S23 --mode klein",        // exit 105, two lines
           "--seed 1",                          // no rule
           "--rule B3/S23 --start-index 0x10",  // CLI11 read it as 16
       }) {
    INFO(args);
    CHECK(run_provider(args, out) == 2);
    const std::string text = carl::ca::read_text_file(out);
    INFO(text);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
    CHECK(text.rfind("carl-provider: ", 0) == 0);
  }
  // Decimal, as every integer option: CLI11 had read 010 as octal (trajectory 8 served first).
  CHECK(std::system(fmt::format("printf 'NEXT\\nQUIT\\n' | '{}' --rule B3/S23 --height 4 --width 4 "
                                "--steps 1 --start-index 010 > '{}'",
                                CARL_PROVIDER_EXE, out)
                        .c_str()) == 0);
  CHECK(carl::ca::read_text_file(out).find("\nTRAJECTORY 10 ") != std::string::npos);
  // The largest seed is a seed, and help is no error unless it cannot be written.
  CHECK(run_provider("--rule B3/S23 --seed 18446744073709551615", out) == 0);
  CHECK(run_provider("--help", out) == 0);
  CHECK(carl::ca::read_text_file(out).find("--seed") != std::string::npos);
  const int rc = std::system(fmt::format("'{}' --help > /dev/full", CARL_PROVIDER_EXE).c_str());
  CHECK((WIFEXITED(rc) ? WEXITSTATUS(rc) : -1) == 2);
}
