// The RLE / .cells reader and the trajectory reader built on it; a pattern that parses must
// survive a write and a read back unchanged.
#include "ca/rle.h"
#include "ca/trajectory.h"
#include "fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace carl;
  if (size > 65536) return 0;
  const std::string s = fuzz::text(data, size);
  try {
    const ca::RlePattern p = ca::read_pattern(s, "fuzz.rle");
    if (p.grid.size() <= 4096 && p.grid.height() > 0 && p.grid.width() > 0) {
      const ca::RlePattern back = ca::read_rle(ca::write_rle(p.grid), "back.rle");
      if (back.grid != p.grid) fuzz::broken("write_rle/read_rle does not round-trip");
    }
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  try {
    ca::trajectory_from_rle(s, "fuzz.rle");
  } catch (const InputError& e) {
    fuzz::one_line(e);
  }
  return 0;
}
