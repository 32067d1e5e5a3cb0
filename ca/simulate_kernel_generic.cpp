// The torus step for generic (2 words per vector); see simulate_kernel.inc.
#include "ca/simulate_kernel.h"

namespace {
#define CARL_LANES 2
#include "ca/simulate_kernel.inc"
}  // namespace

void carl::ca::kernel::step_generic(const StepArgs& args) {
  step_rows(args);
}
