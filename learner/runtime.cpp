// Process-wide settings of the learner: the device and how freed memory is kept (LibTorch's
// threads: torch_backend.cpp, which loads it).
#include <malloc.h>

#include "ca/error.h"
#include "learner/torch_backend.h"

namespace carl::learner {

bool keep_freed_memory() {
  // Never return freed blocks via munmap, and trim the heap only above 1 GiB.
  const bool a = mallopt(M_MMAP_MAX, 0) == 1;
  const bool b = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  return a && b;
}

void default_freed_memory() {
  mallopt(M_MMAP_MAX, 65536);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

Device resolve_device(Device device) {
  switch (device) {
    case Device::cpu:
      return Device::cpu;
    case Device::cuda:
      if (!torch_has_cuda() || !torch_backend().cuda_available())
        throw InputError("device 'cuda' asked for, but LibTorch has no CUDA or no GPU is present");
      return Device::cuda;
    case Device::automatic:
      break;
  }
  // Without CUDA in LibTorch the answer is known without loading it; with it, a module that
  // cannot be loaded means the CPU.
  if (!torch_has_cuda()) return Device::cpu;
  try {
    return torch_backend().cuda_available() ? Device::cuda : Device::cpu;
  } catch (const InputError&) {
    return Device::cpu;
  }
}

}  // namespace carl::learner
