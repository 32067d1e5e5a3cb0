// Loading libcarl_torch.so (learner/torch_backend.h).
#include "learner/torch_backend.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "ca/error.h"

namespace carl::learner {

namespace {

std::atomic<const TorchBackend*> loaded{nullptr};
std::atomic<int> threads_asked{0};  // set_threads's, applied when the module loads; 0: LibTorch's

// Where the module may be: $CARL_TORCH_MODULE alone when set; else beside the running program,
// then where the build put it.
std::vector<std::string> candidates() {
  if (const char* env = std::getenv("CARL_TORCH_MODULE"); env && *env) return {env};
  std::vector<std::string> out;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((self.parent_path() / "libcarl_torch.so").string());
  out.push_back(CARL_TORCH_MODULE_BUILT);
  return out;
}

}  // namespace

std::string open_torch_module(const std::string& path, const TorchBackend** backend) {
  *backend = nullptr;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return dlerror();
  using Entry = const TorchBackend* (*)();
  using Version = int (*)();
  const auto entry = reinterpret_cast<Entry>(dlsym(handle, "carl_torch_backend"));
  const auto version = reinterpret_cast<Version>(dlsym(handle, "carl_torch_backend_version"));
  if (!entry || !version) return fmt::format("{}: not carl's LibTorch module", path);
  if (const int v = version(); v != kTorchBackendVersion)
    return fmt::format("{}: interface version {}, this carl's is {}", path, v,
                       kTorchBackendVersion);
  *backend = entry();
  return {};
}

const TorchBackend& torch_backend() {
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    std::string reasons;
    for (const std::string& path : candidates()) {
      const TorchBackend* backend = nullptr;
      if (const std::string why = open_torch_module(path, &backend); !why.empty()) {
        reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why);
        continue;
      }
      if (const int threads = threads_asked; threads > 0) backend->set_threads(threads);
      loaded = backend;
      return;
    }
    failure = reasons;
  });
  if (const TorchBackend* b = loaded.load()) return *b;
  throw InputError(fmt::format(
      "this needs LibTorch, but carl's LibTorch module (libcarl_torch.so) cannot be loaded: {}",
      failure));
}

void set_threads(int threads) {
  threads_asked = threads;
  if (const TorchBackend* b = loaded.load()) b->set_threads(threads);
}

bool torch_has_cuda() {
  return CARL_TORCH_CUDA != 0;
}

}  // namespace carl::learner
