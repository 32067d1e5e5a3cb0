// Process-wide settings of the learner's LibTorch runtime: the device, threads, and how freed
// tensor memory is kept.
#include <malloc.h>

#include "ca/error.h"
#include "learner/net_impl.h"

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

void set_threads(int threads) {
  torch::set_num_threads(threads);
}

Device resolve_device(Device device) {
  switch (device) {
    case Device::cpu:
      return Device::cpu;
    case Device::cuda:
      if (!torch::cuda::is_available())
        throw InputError("device 'cuda' asked for, but LibTorch has no CUDA or no GPU is present");
      return Device::cuda;
    case Device::automatic:
      break;
  }
  return torch::cuda::is_available() ? Device::cuda : Device::cpu;
}

torch::Device torch_device(Device device) {
  return resolve_device(device) == Device::cuda ? torch::Device(torch::kCUDA)
                                                : torch::Device(torch::kCPU);
}

}  // namespace carl::learner
