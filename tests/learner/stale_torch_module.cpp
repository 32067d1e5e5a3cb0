// A stand-in for libcarl_torch.so built from another carl: it exports the module's two symbols,
// with an interface version one below this carl's, and no backend.
#include "learner/torch_backend.h"

extern "C" const carl::learner::TorchBackend* carl_torch_backend() {
  return nullptr;
}
extern "C" int carl_torch_backend_version() {
  return carl::learner::kTorchBackendVersion - 1;
}
