#pragma once
// The bit-sliced torus step, compiled once per instruction set (ggml-style: one translation
// unit per ISA, chosen at run time). Plain C types only: these files must not instantiate
// standard-library templates, which the linker could share with code built for another ISA.
#include <cstdint>

namespace carl::ca::kernel {

struct StepArgs {
  const std::uint64_t* cells;  // height rows of `stride` words; bit c of a row = column c
  const std::uint64_t* west;   // bit c = cell (row, c-1), wrapped
  const std::uint64_t* east;   // bit c = cell (row, c+1), wrapped
  std::uint64_t* out;          // height × stride words, written in full
  int height;
  int stride;              // a multiple of 8 words
  const std::uint8_t* lo;  // 64 level-3 nodes: truth table (4 bits over SE, S) when SW = 0
  const std::uint8_t* hi;  //                   and when SW = 1
};

void step_generic(const StepArgs& args);
void step_avx2(const StepArgs& args);
void step_avx512(const StepArgs& args);

}  // namespace carl::ca::kernel
