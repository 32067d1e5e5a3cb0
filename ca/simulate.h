#pragma once
// Evolving grids under a 3×3 rule.
//
// Torus: every cell has all 8 neighbours, wrapping at the edges. The fast path packs 64 cells
// per word and evaluates the 512-entry table as a bit-sliced multiplexer circuit built once per
// rule (Stepper), with AVX-512 / AVX2 kernels picked at run time.
//
// Window: the grid is the visible part of a larger world; only interior cells (whose whole
// neighbourhood is visible) have a defined successor, so one step maps H×W to (H-2)×(W-2).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ca/grid.h"
#include "ca/rule_table.h"
#include "ca/trajectory.h"

namespace carl::ca {
namespace kernel {
struct StepArgs;
}

// torus: the grid wraps round; window: an H×W window of a larger world, whose border cells'
// neighbourhoods are not all visible (a closed choice, ca/choice.h: `mode` in configs).
enum class Boundary { torus, window };
inline constexpr std::pair<Boundary, const char*> kBoundaryWords[] = {{Boundary::torus, "torus"},
                                                                      {Boundary::window, "window"}};
constexpr const auto& choice_words(Boundary) {
  return kBoundaryWords;
}

// Compiles a complete rule once and steps torus grids with it.
class Stepper {
 public:
  // Throws InputError for an incomplete table. `kernel` is "auto" (the fastest this processor
  // runs) or one of available_kernels(), for testing each against the reference.
  explicit Stepper(const RuleTable& rule, const std::string& kernel = "auto");

  Grid step(const Grid& grid) const;                       // one generation on the torus
  Grid evolve(const Grid& grid, int steps) const;          // `steps` generations
  Trajectory trajectory(const Grid& x0, int steps) const;  // frames x_0 … x_steps

  const char* kernel() const { return kernel_name_; }   // "avx512", "avx2" or "generic"
  static std::vector<std::string> available_kernels();  // those this processor can run

 private:
  template <class Each>
  void run(const Grid& grid, int steps, Each&& each) const;

  void (*step_fn_)(const kernel::StepArgs&) = nullptr;
  const char* kernel_name_ = "";
  std::uint8_t lo_[64];  // per level-3 node, the 2-variable function (truth table) it selects
  std::uint8_t hi_[64];  // when SW is 0 (lo_) or 1 (hi_)
};

// Conveniences over Stepper.
Grid step(const RuleTable& rule, const Grid& grid);
Trajectory simulate(const RuleTable& rule, const Grid& x0, int steps);

// The plain definition, one table look-up per cell: the oracle for the fast path, and the
// stepper for partial tables (an unknown entry gives `unknown_value`).
Grid step_reference(const RuleTable& rule, const Grid& grid, std::uint8_t unknown_value = 0);

// One window step: the successors of the interior cells, an (H-2)×(W-2) grid.
Grid step_window(const RuleTable& rule, const Grid& window);

}  // namespace carl::ca
