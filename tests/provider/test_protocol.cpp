#include <catch2/catch.hpp>

#include "ca/simulate.h"
#include "provider/error.h"
#include "provider/protocol.h"

using namespace carl;
using provider::Shape;

TEST_CASE("frames pack and unpack bit for bit", "[protocol]") {
  for (auto [h, w] : {std::pair{4, 4}, {3, 5}, {7, 9}, {16, 16}}) {
    ca::Trajectory t;
    for (int f = 0; f < 4; ++f)
      t.frames.push_back(ca::random_soup(h, w, 0.5, std::uint64_t(f + h)));
    const Shape s{h, w, 3, ca::Boundary::torus};
    const std::string payload = provider::pack_frames(t);
    REQUIRE(payload.size() == provider::payload_bytes(s));
    REQUIRE(provider::unpack_frames(payload, s) == t);
    REQUIRE_THROWS_AS(provider::unpack_frames(payload.substr(1), s), provider::ProviderError);
  }
  // By hand: a 4×4 frame with cells 0 and 9 alive packs to bytes 0x01 0x02.
  ca::Grid g(4, 4);
  g.set(0, 0, true);
  g.set(2, 1, true);
  REQUIRE(provider::pack_frames(ca::Trajectory{{g}}) == std::string("\x01\x02", 2));
}

TEST_CASE("greetings", "[protocol]") {
  const Shape s{24, 32, 12, ca::Boundary::window};
  REQUIRE(provider::greeting_line(s) == "CARL-PROVIDER 1 24 32 12 window\n");
  REQUIRE(provider::parse_greeting("CARL-PROVIDER 1 24 32 12 window", "x") == s);
  REQUIRE(provider::parse_greeting("CARL-PROVIDER 1 24 32 12 torus", "x").mode ==
          ca::Boundary::torus);
  REQUIRE_THROWS_WITH(provider::parse_greeting("HELLO", "'p'"), Catch::Contains("bad greeting"));
  REQUIRE_THROWS_WITH(provider::parse_greeting("CARL-PROVIDER 2 24 32 12 torus", "'p'"),
                      Catch::Contains("version 2"));
  REQUIRE_THROWS_WITH(provider::parse_greeting("CARL-PROVIDER 1 0 32 12 torus", "'p'"),
                      Catch::Contains("invalid shape"));
  REQUIRE_THROWS_WITH(provider::parse_greeting("CARL-PROVIDER 1 4 4 2 sphere", "'p'"),
                      Catch::Contains("invalid shape"));
}

TEST_CASE("checksum and header", "[protocol]") {
  REQUIRE(provider::fnv1a64("") == 0xcbf29ce484222325ULL);   // FNV-1a offset basis
  REQUIRE(provider::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);  // published test vector
  REQUIRE(provider::trajectory_header(3, "a") == "TRAJECTORY 3 1 af63dc4c8601ec8c\n");
}
