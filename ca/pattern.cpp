#include "ca/pattern.h"

namespace carl::ca {

Pattern pattern_at(const Grid& grid, int row, int col) {
  Pattern p = 0;
  for (int dr = -1; dr <= 1; ++dr)
    for (int dc = -1; dc <= 1; ++dc)
      if (grid.wrapped(row + dr, col + dc)) p |= Pattern(1u << pattern_bit(dr + 1, dc + 1));
  return p;
}

}  // namespace carl::ca
