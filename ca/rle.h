#pragma once
// Golly's RLE pattern format: '#' comment lines, a header "x = W, y = H, rule = R", then runs
// of b (dead), o (alive) and $ (end of row), an optional run count before each, ending in '!'.
#include <string>

#include "ca/grid.h"

namespace carl::ca {

struct RlePattern {
  Grid grid;         // W×H from the header
  std::string rule;  // as written in the header, "" if none
};

// Reads one pattern. `source` (a file name) and the line number head every error message.
// `consumed`, if given, receives how many characters were read (through the '!').
RlePattern read_rle(const std::string& text, const std::string& source,
                    std::size_t* consumed = nullptr, int first_line = 1);

// Writes the whole grid (its size in the header), lines wrapped at 70 characters, with
// optional '#C' comment lines before the header.
std::string write_rle(const Grid& grid, const std::string& rule = "",
                      const std::string& comment = "");

}  // namespace carl::ca
