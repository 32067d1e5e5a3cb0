// The per-word code of the CUDA simulator (ca/cuda/bitslice.h's step_word, what each GPU thread
// runs), run here on the CPU over random rules and grids and compared with ca::simulate byte for
// byte and with the per-cell definition ca::step_reference (which shares no code with it); and the
// two leaf evaluations (the CPU kernels' table, the GPU's minterms) against each other. Built and
// run with or without CUDA.
#include <catch2/catch.hpp>
#include <random>

#include "ca/cuda/bitslice.h"
#include "ca/cuda/packed.h"
#include "ca/random_rules.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"

using namespace carl;

namespace {

// One generation the way the CUDA kernel computes it: step_word for every word of every row.
ca::Grid step_by_words(const ca::RuleTable& rule, const ca::Grid& g) {
  std::uint8_t lo[64], hi[64];
  ca::bitslice::rule_nodes([&](int p) { return rule.output(ca::Pattern(p)); }, lo, hi);
  std::vector<std::uint64_t> in;
  ca::bitslice::pack_grid(g, in);
  const int words = ca::bitslice::row_words(g.width());
  std::vector<std::uint64_t> out(in.size());
  for (int r = 0; r < g.height(); ++r)
    for (int i = 0; i < words; ++i)
      out[static_cast<std::size_t>(r) * words + i] =
          ca::bitslice::step_word(in.data(), g.height(), g.width(), words, r, i, lo, hi);
  for (int r = 0; r < g.height(); ++r)  // bits past the width stay zero
    REQUIRE((out[static_cast<std::size_t>(r) * words + words - 1] &
             ~ca::bitslice::tail_mask(g.width())) == 0);
  return ca::bitslice::unpack_grid(out.data(), g.height(), g.width());
}

}  // namespace

TEST_CASE("the GPU's per-word step equals ca::simulate on random rules and grids", "[cuda]") {
  const std::pair<int, int> sizes[] = {{1, 1},   {1, 64},   {3, 5},   {7, 64},
                                       {16, 65}, {33, 130}, {64, 64}, {20, 200}};
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const ca::RuleTable rule =
        seed == 1 ? ca::parse_rule("B3/S23") : ca::random_rule(seed, /*no_b0=*/seed % 2 == 0);
    for (const auto& [h, w] : sizes) {
      INFO("rule seed " << seed << ", " << h << "x" << w);
      const ca::Trajectory want =
          ca::simulate(rule, ca::random_soup(h, w, 0.5, seed * 100 + std::uint64_t(h + w)), 6);
      ca::Grid cur = want.frames[0];
      for (std::size_t t = 1; t < want.frames.size(); ++t) {
        // against ca::simulate and the per-cell definition (independent of the shared code)
        REQUIRE(step_by_words(rule, cur).cells() == ca::step_reference(rule, cur).cells());
        cur = step_by_words(rule, cur);
        REQUIRE(cur.cells() == want.frames[t].cells());
      }
    }
  }
}

TEST_CASE("the GPU's leaves (minterms) equal the CPU kernels' (table)", "[cuda]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 100; ++trial) {
    const std::uint64_t x = rng(), y = rng();
    const ca::bitslice::TableLeaves<std::uint64_t> table(x, y);
    const ca::bitslice::MintermLeaves minterms(x, y);
    for (int t = 0; t < 16; ++t) {
      REQUIRE(table(std::uint8_t(t)) == minterms(std::uint8_t(t)));
      // and both are the function whose truth table, bit (2y + x), is t
      for (int b = 0; b < 64; b += 13) {
        const int xb = (x >> b) & 1, yb = (y >> b) & 1;
        REQUIRE(((minterms(std::uint8_t(t)) >> b) & 1) == std::uint64_t((t >> (2 * yb + xb)) & 1));
      }
    }
  }
}
