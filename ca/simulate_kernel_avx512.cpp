// The torus step for avx512 (8 words per vector); see simulate_kernel.inc.
#include "ca/simulate_kernel.h"

namespace {
#define CARL_LANES 8
#include "ca/simulate_kernel.inc"
}  // namespace

void carl::ca::kernel::step_avx512(const StepArgs& args) {
  step_rows(args);
}
