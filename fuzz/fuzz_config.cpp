// The experiment config reader (YAML): parses or is refused with one line naming the file.
#include "experiment/config.h"
#include "fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carl;
  if (size > 16384) return 0;
  try {
    const experiment::Config c = experiment::parse_config(fuzz::text(data, size), "fuzz.yaml");
    if (!(c.provider.density >= 0 && c.provider.density <= 1)) fuzz::broken("density");
    if (c.name.empty()) fuzz::broken("empty name");
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  return 0;
}
