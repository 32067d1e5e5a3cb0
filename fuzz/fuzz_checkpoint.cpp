// The net checkpoint reader (net-K.json, learner/checkpoint.cpp): parses or is refused with one
// line naming the file; what parses saves and loads back to the same net.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "fuzz/fuzz.h"
#include "learner/net.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carl;
  if (size > 65536) return 0;
  // Net::load reads a file: each input is written to this process's own.
  static const std::string path = "/tmp/carl-fuzz-checkpoint-" + std::to_string(::getpid());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    const learner::Net net = learner::Net::load(path);
    if (net.parameter_count() != learner::parameter_count(net.config())) fuzz::broken("count");
    net.save(path);
    const learner::Net back = learner::Net::load(path);
    // Bit for bit (a NaN parameter is saved and read back as one).
    const auto& a = net.state().params;
    const auto& b = back.state().params;
    const bool same =
        a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](double x, double y) {
          return x == y || (std::isnan(x) && std::isnan(y));
        });
    if (!same || back.seed() != net.seed() || back.group() != net.group())
      fuzz::broken("save and load do not round-trip");
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  return 0;
}
