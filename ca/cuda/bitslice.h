#pragma once
// The bit-sliced rule application, written once for the CPU kernels (ca/simulate_kernel.inc, with
// a SIMD vector as the word type), the CUDA kernel (ca/cuda/simulate.cu) and the CPU test of the
// GPU's per-word code (tests/ca/cuda/test_bitslice.cpp).
//
// A torus grid is packed 64 cells per 64-bit word, bit c of word i of a row = column 64·i + c;
// bits past the width are zero. The rule is a multiplexer tree over the 9 pattern bits in index
// order (SE at the leaves, NW at the root): the bottom two levels are one of the 16 functions of
// (SE, S); the next level picks two of them per node by the rule's truth table (lo/hi: 64 nodes,
// a 4-bit truth table each, for SW = 0 and SW = 1); the 63 nodes above are fixed muxes.
//
// Plain C types only and no standard headers beyond <cstdint>: the CPU kernels that include this
// are compiled once per instruction set and must not instantiate shared library templates.
#include <cstdint>

#if defined(__CUDACC__)
#define CARL_HD __host__ __device__ __forceinline__
#else
#define CARL_HD inline __attribute__((always_inline))
#endif

#if defined(CARL_BITSLICE_LOCAL)
// Included by a CPU kernel inside its anonymous namespace: instantiated per instruction set.
namespace bitslice {
#else
namespace carl::ca::bitslice {
#endif

// s ? y : x, bitwise
template <class W>
CARL_HD W mux(W x, W y, W s) {
  return x ^ ((x ^ y) & s);
}

// The 16 functions of (x = SE, y = S) as a table: leaf(t) is the function whose truth table,
// bit (2y + x), is t. Fast where an indexed load is cheap (the CPU).
template <class W>
struct TableLeaves {
  W f[16];
  CARL_HD TableLeaves(W x, W y) {
    const W zero = x ^ x, ones = ~zero;
    f[0] = zero;
    f[1] = ~(x | y);
    f[2] = x & ~y;
    f[3] = ~y;
    f[4] = ~x & y;
    f[5] = ~x;
    f[6] = x ^ y;
    f[7] = ~(x & y);
    f[8] = x & y;
    f[9] = ~(x ^ y);
    f[10] = x;
    f[11] = x | ~y;
    f[12] = y;
    f[13] = ~x | y;
    f[14] = x | y;
    f[15] = ones;
  }
  CARL_HD W operator()(std::uint8_t t) const { return f[t]; }
};

// The same functions as a sum of the four minterms, without an indexed table (on a GPU a table
// indexed by data would live in slow local memory).
struct MintermLeaves {
  std::uint64_t m[4];  // ~x&~y, x&~y, ~x&y, x&y
  CARL_HD MintermLeaves(std::uint64_t x, std::uint64_t y) : m{~x & ~y, x & ~y, ~x & y, x & y} {}
  CARL_HD std::uint64_t operator()(std::uint8_t t) const {
    return (m[0] & (0 - std::uint64_t(t & 1))) | (m[1] & (0 - std::uint64_t((t >> 1) & 1))) |
           (m[2] & (0 - std::uint64_t((t >> 2) & 1))) | (m[3] & (0 - std::uint64_t(t >> 3)));
  }
};

// Node j of level `Level` (3 … 9) of the tree covers pattern indices [j·2^Level, (j+1)·2^Level);
// evaluated depth first so partial results stay in registers. var: the nine input planes by
// pattern bit (SE = 0 … NW = 8).
template <int Level, class W, class Leaves>
CARL_HD W tree(const Leaves& leaf, const std::uint8_t* lo, const std::uint8_t* hi, const W* var,
               int j) {
  if constexpr (Level == 3) {
    return mux(leaf(lo[j]), leaf(hi[j]), var[2]);
  } else {
    return mux(tree<Level - 1, W>(leaf, lo, hi, var, 2 * j),
               tree<Level - 1, W>(leaf, lo, hi, var, 2 * j + 1), var[Level - 1]);
  }
}

// The rule applied bitwise: bit b of the result is the rule's output for the pattern whose bits
// are bit b of var[8] (NW) … var[0] (SE).
template <class W, class Leaves>
CARL_HD W apply_rule(const W* var, const std::uint8_t* lo, const std::uint8_t* hi) {
  const Leaves leaf(var[0], var[1]);
  return tree<9, W>(leaf, lo, hi, var, 0);
}

// The rule's 64 level-3 nodes from its outputs: output(p) is the rule's output for pattern p.
template <class Output>
CARL_HD void rule_nodes(Output output, std::uint8_t* lo, std::uint8_t* hi) {
  for (int j = 0; j < 64; ++j) {
    std::uint8_t l = 0, h = 0;
    for (int k = 0; k < 4; ++k) {
      l |= std::uint8_t((output(8 * j + k) ? 1 : 0) << k);
      h |= std::uint8_t((output(8 * j + 4 + k) ? 1 : 0) << k);
    }
    lo[j] = l;
    hi[j] = h;
  }
}

// The mask of the used bits of the last word of a row `width` cells wide.
CARL_HD std::uint64_t tail_mask(int width) {
  const int used = width - 64 * ((width - 1) / 64);
  return used == 64 ? ~0ULL : (1ULL << used) - 1;
}

// Word i of a row's west neighbours (bit c = cell c − 1, wrapping within the width) and east
// neighbours (bit c = cell c + 1); `row` holds n = ⌈width/64⌉ words with zero bits past the width.
CARL_HD std::uint64_t west_word(const std::uint64_t* row, int i, int n, int width) {
  const std::uint64_t carry = i > 0 ? row[i - 1] >> 63 : (row[n - 1] >> ((width - 1) & 63)) & 1;
  const std::uint64_t w = (row[i] << 1) | carry;
  return i == n - 1 ? w & tail_mask(width) : w;
}
CARL_HD std::uint64_t east_word(const std::uint64_t* row, int i, int n, int width) {
  const std::uint64_t e = (row[i] >> 1) | (i + 1 < n ? row[i + 1] << 63 : 0);
  return i == n - 1 ? e | ((row[0] & 1) << ((width - 1) & 63)) : e;
}

// Word i of row r of the next generation of a torus grid of height × width cells, rows `stride`
// words apart: what one CUDA thread computes. Bits past the width come out zero.
CARL_HD std::uint64_t step_word(const std::uint64_t* grid, int height, int width, int stride, int r,
                                int i, const std::uint8_t* lo, const std::uint8_t* hi) {
  const int n = (width + 63) / 64;
  const std::uint64_t* up = grid + static_cast<long>(r == 0 ? height - 1 : r - 1) * stride;
  const std::uint64_t* mid = grid + static_cast<long>(r) * stride;
  const std::uint64_t* dn = grid + static_cast<long>(r == height - 1 ? 0 : r + 1) * stride;
  const std::uint64_t var[9] = {east_word(dn, i, n, width),  dn[i],  west_word(dn, i, n, width),
                                east_word(mid, i, n, width), mid[i], west_word(mid, i, n, width),
                                east_word(up, i, n, width),  up[i],  west_word(up, i, n, width)};
  const std::uint64_t next = apply_rule<std::uint64_t, MintermLeaves>(var, lo, hi);
  return i == n - 1 ? next & tail_mask(width) : next;
}

}  // namespace bitslice / carl::ca::bitslice
