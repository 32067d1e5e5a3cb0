// learner/torch_backend.cpp: the module is opened only when it is carl's, of this carl's interface
// version; anything else is refused with a reason that names the file.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "learner/torch_backend.h"

using namespace carl;

TEST_CASE("carl's LibTorch module is opened only when it is carl's, of this interface version",
          "[net]") {
  const learner::TorchBackend* backend = nullptr;
  REQUIRE(learner::open_torch_module(CARL_TORCH_MODULE_FILE, &backend).empty());
  REQUIRE(backend != nullptr);
  REQUIRE(backend->initial_parameters(learner::NetConfig{}, 1).size() > 0);

  // A module of another carl, whose TorchBackend may differ: refused before it is called.
  std::string why = learner::open_torch_module(CARL_STALE_MODULE_FILE, &backend);
  REQUIRE(why == fmt::format("{}: interface version {}, this carl's is {}", CARL_STALE_MODULE_FILE,
                             learner::kTorchBackendVersion - 1, learner::kTorchBackendVersion));
  REQUIRE(backend == nullptr);

  // Some other shared object.
  why = learner::open_torch_module(CARL_FOREIGN_MODULE_FILE, &backend);
  REQUIRE(why == std::string(CARL_FOREIGN_MODULE_FILE) + ": not carl's LibTorch module");
  REQUIRE(backend == nullptr);

  // No file at all: dlopen's reason, which names it.
  why = learner::open_torch_module("/nonexistent/libcarl_torch.so", &backend);
  REQUIRE_THAT(why, Catch::Contains("/nonexistent/libcarl_torch.so"));
  REQUIRE(backend == nullptr);
}
