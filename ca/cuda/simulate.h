#pragma once
// The CUDA simulator: the torus step of ca/simulate.h on the GPU, for a batch of bit-packed grids
// of one size, with one rule for every grid or one rule per grid. Each GPU thread computes one
// 64-cell word with ca/cuda/bitslice.h's step_word, the code the CPU tests run against
// ca::simulate. Built when CMake finds nvcc (CARL_CUDA=AUTO|ON); no CUDA header here.
#include <memory>
#include <string>
#include <vector>

#include "ca/grid.h"
#include "ca/rule_table.h"
#include "ca/trajectory.h"

namespace carl::ca::cuda {

// Whether a CUDA device can be used; `why` gets its name, or the reason there is none.
bool available(std::string* why = nullptr);

// Grids of one size and the rules they run under: `rules` holds one rule (for every grid) or one
// per grid. Kept on the device between calls. Throws InputError for a partial rule, grids of
// different sizes or a rule count that fits neither, std::runtime_error when CUDA fails (no
// device, out of memory).
class Batch {
 public:
  Batch(const std::vector<RuleTable>& rules, const std::vector<Grid>& grids);
  ~Batch();
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;

  void advance(int steps);          // `steps` generations on the device (returns when done)
  std::vector<Grid> grids() const;  // the current generation, back on the host
  int size() const;                 // grids in the batch
  long cells() const;               // cells in the batch (for cell updates per second)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The counterparts of ca::step / ca::Stepper::evolve / ca::simulate, for one grid or a batch.
Grid step(const RuleTable& rule, const Grid& grid);
Grid evolve(const RuleTable& rule, const Grid& grid, int steps);
Trajectory simulate(const RuleTable& rule, const Grid& x0, int steps);
std::vector<Grid> evolve(const std::vector<RuleTable>& rules, const std::vector<Grid>& grids,
                         int steps);
std::vector<Trajectory> simulate(const std::vector<RuleTable>& rules, const std::vector<Grid>& x0,
                                 int steps);

}  // namespace carl::ca::cuda
