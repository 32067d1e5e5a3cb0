#include <catch2/catch.hpp>
#include <cstdlib>
#include <limits>

#include "ca/error.h"
#include "provider/limits.h"

using namespace carl;
using provider::parse_byte_size;
using provider::parse_integer;

TEST_CASE("integers are parsed with overflow checks", "[limits]") {
  REQUIRE(parse_integer("64", 1, 100) == 64);
  REQUIRE(parse_integer("-5", -10, 10) == -5);
  REQUIRE_FALSE(parse_integer("-5", 0, 10));
  REQUIRE_FALSE(parse_integer("4294967301", 1, 2147483647));  // not 5 (issue 16)
  REQUIRE_FALSE(parse_integer("99999999999999999999999", 0, 100));
  REQUIRE(parse_integer("9223372036854775807", 0, std::numeric_limits<long long>::max()) ==
          std::numeric_limits<long long>::max());
  REQUIRE_FALSE(parse_integer("9223372036854775808", 0, std::numeric_limits<long long>::max()));
  for (const char* bad : {"", "-", "+", "5x", " 5", "5 ", "0x10", "1e3", "5.0"}) {
    INFO(bad);
    REQUIRE_FALSE(parse_integer(bad, -100, 100));
  }
}

TEST_CASE("byte sizes", "[limits]") {
  REQUIRE(parse_byte_size("123") == 123u);
  REQUIRE(parse_byte_size("64K") == 65536u);
  REQUIRE(parse_byte_size("512m") == 512ull << 20);
  REQUIRE(parse_byte_size("4G") == 4ull << 30);
  REQUIRE(parse_byte_size("2T") == 2ull << 40);
  REQUIRE_FALSE(parse_byte_size("17000000T"));  // 2^64 and more
  REQUIRE_FALSE(parse_byte_size("-1G"));
  REQUIRE_FALSE(parse_byte_size("G"));
  REQUIRE_FALSE(parse_byte_size("4GB"));
}

TEST_CASE("memory estimates saturate instead of wrapping", "[limits]") {
  const provider::Shape small{24, 24, 12, ca::Boundary::torus};
  // Hand-worked: 13 frames of 576 cells = 7488 cells; payload 13 × 72 = 936 bytes.
  REQUIRE(provider::client_bytes(small) == 936 + 7488 + 2 * 7488);
  REQUIRE(provider::provider_bytes(small, 4) == 7488 + 936);
  const provider::Shape window{24, 24, 12, ca::Boundary::window};
  REQUIRE(provider::provider_bytes(window, 4) == 16 * 7488 + 7488 + 936);
  const provider::Shape huge{65536, 65536, 1000000, ca::Boundary::window};
  // 65536·64 squared, times 1000001 frames: 1.76e19 bytes, just short of 2^64 (no wrap-around).
  REQUIRE(provider::provider_bytes(huge, 64) >= 17592186044416ull * 1000001ull);
  const provider::Shape wider{65536, 65536, 2000000, ca::Boundary::window};
  REQUIRE(provider::provider_bytes(wider, 64) == std::numeric_limits<std::uint64_t>::max());
  REQUIRE(provider::saturating_product({1ull << 40, 1ull << 30}) ==
          std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("the memory limit: default, CARL_MEMORY_LIMIT, refusal", "[limits]") {
  ::unsetenv("CARL_MEMORY_LIMIT");
  REQUIRE(provider::memory_limit() == provider::kDefaultMemoryLimit);
  ::setenv("CARL_MEMORY_LIMIT", "1M", 1);
  REQUIRE(provider::memory_limit() == 1u << 20);
  REQUIRE_NOTHROW(provider::require_fits(1u << 20, "x"));
  REQUIRE_THROWS_WITH(provider::require_fits((1u << 20) + 1, "a thing"),
                      Catch::Contains("a thing needs about 1.0 MiB, over the memory limit of "
                                      "1.0 MiB (set CARL_MEMORY_LIMIT"));
  // Small sizes in units that show them (a limit of 1K read "0.0 MiB, over … 0.0 MiB").
  ::setenv("CARL_MEMORY_LIMIT", "1K", 1);
  REQUIRE_THROWS_WITH(provider::require_fits(3000, "a thing"),
                      Catch::Contains("a thing needs about 2.9 KiB, over the memory limit of "
                                      "1.0 KiB"));
  ::setenv("CARL_MEMORY_LIMIT", "100", 1);
  REQUIRE_THROWS_WITH(provider::require_fits(101, "a thing"),
                      Catch::Contains("needs about 101 bytes, over the memory limit of 100 bytes"));
  ::setenv("CARL_MEMORY_LIMIT", "lots", 1);
  REQUIRE_THROWS_AS(provider::memory_limit(), InputError);
  ::unsetenv("CARL_MEMORY_LIMIT");
}

TEST_CASE("HxW dimensions", "[limits]") {
  using provider::parse_dimensions;
  REQUIRE(parse_dimensions("64x32", 65536) == std::pair<int, int>{64, 32});
  REQUIRE(parse_dimensions("1x65536", 65536) == std::pair<int, int>{1, 65536});
  for (const char* bad : {"99999999999x5", "4294967301x5", "5x5x5", "5x", "x5", "0x5", "5x-5",
                          "-5x5", "5X5", "5 x 5", "65537x1", "+5x5", "5x+5", ""}) {
    INFO(bad);
    REQUIRE_FALSE(parse_dimensions(bad, 65536));
  }
}
