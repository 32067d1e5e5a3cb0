// The torus step for avx2 (4 words per vector); see simulate_kernel.inc.
#include "ca/simulate_kernel.h"

namespace {
#define CARL_LANES 4
#include "ca/simulate_kernel.inc"
}  // namespace

void carl::ca::kernel::step_avx2(const StepArgs& args) {
  step_rows(args);
}
